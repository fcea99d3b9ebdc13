#pragma once
// A throwaway PKI for TLS tests, made at test time with OpenSSL 3's C API
// (no key material in the repository): a self-signed CA (EC P-256,
// basicConstraints CA:TRUE, keyUsage keyCertSign) and leaf server
// certificates it signs, with chosen subjectAltNames and validity window.
// A leaf can also be signed by a second CA nobody trusts ("unknown CA").
//
//   skill::test::TempDir dir;
//   skill::test::TestPki pki(dir.path);                 // writes <dir>/ca.pem
//   auto good = pki.issue({});                          // localhost + 127.0.0.1, valid now
//   auto expired = pki.issue({.not_before_offset = -48h, .not_after_offset = -24h});
//   auto rogue = pki.issue({.from_other_ca = true});
//   // good.cert / good.key / pki.ca_file() are PEM files.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace skill::test {

struct LeafSpec {
    /// subjectAltName DNS entries.
    std::vector<std::string> dns{"localhost"};
    /// subjectAltName IP entries (IPv4 or IPv6 text).
    std::vector<std::string> ips{"127.0.0.1"};
    /// Validity window relative to now (negative = in the past).
    std::chrono::seconds not_before_offset{-std::chrono::hours(1)};
    std::chrono::seconds not_after_offset{std::chrono::hours(24)};
    /// Sign with a second CA that is not in ca.pem (the "unknown CA" case).
    bool from_other_ca = false;
    /// Append the issuing CA's certificate to cert.pem after the leaf.
    bool with_chain = false;
    /// Subject CN (informational; clients verify against the SANs).
    std::string common_name = "skill-test-server";
};

struct CertFiles {
    std::filesystem::path cert;  ///< PEM: leaf [+ issuing CA if with_chain]
    std::filesystem::path key;   ///< PEM: the leaf's private key (PKCS#8, unencrypted)
    std::filesystem::path ca;    ///< PEM: the CA that signed it (ca.pem, or other-ca.pem)
};

class TestPki {
  public:
    /// Creates the CA and writes `dir/ca.pem` (the trusted CA) and
    /// `dir/ca.key.pem`. `dir` must exist.
    explicit TestPki(std::filesystem::path dir);
    ~TestPki();
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    /// Issues a leaf; writes `dir/<name>/cert.pem` and `dir/<name>/key.pem`
    /// (`name` defaults to "leaf1", "leaf2", ...). Throws on any OpenSSL error.
    CertFiles issue(const LeafSpec& spec, const std::string& name = {});

    /// The trusted CA's certificate (PEM).
    std::filesystem::path ca_file() const;
    /// The other (untrusted) CA's certificate (PEM); created on first use.
    std::filesystem::path other_ca_file();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::test
