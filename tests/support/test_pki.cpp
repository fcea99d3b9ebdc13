#include "test_pki.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace skill::test {
namespace {

struct KeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct CertFree {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct FileClose {
    void operator()(FILE* f) const noexcept { std::fclose(f); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

[[noreturn]] void fail(std::string_view what) {
    std::string msg = "TestPki: ";
    msg += what;
    if (unsigned long e = ERR_get_error(); e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        msg += ": ";
        msg += buf;
    }
    ERR_clear_error();
    throw std::runtime_error(msg);
}

void check(bool ok, std::string_view what) {
    if (!ok) fail(what);
}

Key make_key() {
    // EC P-256: fast to generate, accepted by every TLS 1.2/1.3 stack.
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "EC P-256 key generation");
    return key;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
    check(ext != nullptr, "extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "X509_add_ext");
}

void set_random_serial(X509* cert) {
    unsigned char bytes[16];
    check(RAND_bytes(bytes, sizeof bytes) == 1, "RAND_bytes");
    bytes[0] &= 0x7f;  // positive
    bytes[0] |= 0x01;  // non-zero, fixed length
    BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
    check(bn != nullptr, "BN_bin2bn");
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    check(serial != nullptr, "BN_to_ASN1_INTEGER");
}

/// A certificate for `subject_key`, with subject CN `cn`, valid over
/// [now + nb, now + na]; issuer = (issuer_cert, issuer_key), or self-signed
/// when issuer_cert is null.
Cert make_cert(EVP_PKEY* subject_key, const std::string& cn, std::chrono::seconds nb,
               std::chrono::seconds na, X509* issuer_cert, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, std::string>>& exts) {
    Cert cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    set_random_serial(cert.get());
    check(
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(nb.count())) != nullptr,
        "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(na.count())) != nullptr,
          "notAfter");
    check(X509_set_pubkey(cert.get(), subject_key) == 1, "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("skill-sdk-cpp tests"),
                                     -1, -1, 0) == 1,
          "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                     0) == 1,
          "subject CN");
    X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) == 1, "issuer name");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : exts) add_ext(cert.get(), &ctx, nid, value);

    EVP_PKEY* signer = issuer_key != nullptr ? issuer_key : subject_key;
    check(X509_sign(cert.get(), signer, EVP_sha256()) > 0, "X509_sign");
    return cert;
}

struct Authority {
    Key key;
    Cert cert;
    std::filesystem::path cert_file;
};

void write_cert(FILE* f, X509* cert) {
    check(PEM_write_X509(f, cert) == 1, "PEM_write_X509");
}

std::unique_ptr<FILE, FileClose> open_for_write(const std::filesystem::path& path) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "wb"));
    if (!f) throw std::runtime_error("TestPki: cannot write " + path.string());
    return f;
}

Authority make_ca(const std::filesystem::path& dir, const std::string& stem,
                  const std::string& cn) {
    Authority ca;
    ca.key = make_key();
    ca.cert = make_cert(ca.key.get(), cn, -std::chrono::hours(24), std::chrono::hours(24 * 365),
                        nullptr, nullptr,
                        {{NID_basic_constraints, "critical,CA:TRUE"},
                         {NID_key_usage, "critical,keyCertSign,cRLSign"},
                         {NID_subject_key_identifier, "hash"},
                         {NID_authority_key_identifier, "keyid:always"}});
    ca.cert_file = dir / (stem + ".pem");
    {
        auto f = open_for_write(ca.cert_file);
        write_cert(f.get(), ca.cert.get());
    }
    {
        auto f = open_for_write(dir / (stem + ".key.pem"));
        check(
            PEM_write_PrivateKey(f.get(), ca.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
            "PEM_write_PrivateKey");
    }
    return ca;
}

}  // namespace

struct TestPki::Impl {
    std::filesystem::path dir;
    Authority ca;
    std::unique_ptr<Authority> other;
    int issued = 0;
};

TestPki::TestPki(std::filesystem::path dir) : impl_(std::make_unique<Impl>()) {
    impl_->dir = std::move(dir);
    impl_->ca = make_ca(impl_->dir, "ca", "skill-sdk-cpp Test CA");
}

TestPki::~TestPki() = default;

std::filesystem::path TestPki::ca_file() const {
    return impl_->ca.cert_file;
}

std::filesystem::path TestPki::other_ca_file() {
    if (!impl_->other)
        impl_->other = std::make_unique<Authority>(
            make_ca(impl_->dir, "other-ca", "skill-sdk-cpp Untrusted Test CA"));
    return impl_->other->cert_file;
}

CertFiles TestPki::issue(const LeafSpec& spec, const std::string& name) {
    if (spec.from_other_ca) other_ca_file();
    const Authority& ca = spec.from_other_ca ? *impl_->other : impl_->ca;
    const std::string leaf_name = name.empty() ? "leaf" + std::to_string(++impl_->issued) : name;

    std::string san;
    for (const auto& d : spec.dns) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
    for (const auto& ip : spec.ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;

    std::vector<std::pair<int, std::string>> exts{
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"}};
    if (!san.empty()) exts.emplace_back(NID_subject_alt_name, san);

    Key key = make_key();
    Cert cert = make_cert(key.get(), spec.common_name, spec.not_before_offset,
                          spec.not_after_offset, ca.cert.get(), ca.key.get(), exts);

    const auto leaf_dir = impl_->dir / leaf_name;
    std::filesystem::create_directories(leaf_dir);
    CertFiles files{leaf_dir / "cert.pem", leaf_dir / "key.pem", ca.cert_file};
    {
        auto f = open_for_write(files.cert);
        write_cert(f.get(), cert.get());
        if (spec.with_chain) write_cert(f.get(), ca.cert.get());
    }
    {
        auto f = open_for_write(files.key);
        check(PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
              "PEM_write_PrivateKey");
    }
    return files;
}

}  // namespace skill::test
