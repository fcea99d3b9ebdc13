// tests/support/test_pki: the throwaway PKI's files load into an SSL_CTX and
// verify (or fail to) against the test CA the way TLS tests rely on.
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>

#include "temp_dir.hpp"
#include "test_pki.hpp"

using namespace std::chrono_literals;
using skill::test::LeafSpec;
using skill::test::TempDir;
using skill::test::TestPki;

namespace {

struct CertFree {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
using Cert = std::unique_ptr<X509, CertFree>;

Cert read_cert(const std::filesystem::path& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    REQUIRE(f);
    Cert cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    REQUIRE(cert);
    return cert;
}

/// X509_verify_cert of `leaf` against a store holding only `ca`: the error code (X509_V_OK on
/// success).
int verify(X509* leaf, X509* ca) {
    std::unique_ptr<X509_STORE, void (*)(X509_STORE*)> store(X509_STORE_new(), &X509_STORE_free);
    REQUIRE(X509_STORE_add_cert(store.get(), ca) == 1);
    std::unique_ptr<X509_STORE_CTX, void (*)(X509_STORE_CTX*)> ctx(X509_STORE_CTX_new(),
                                                                   &X509_STORE_CTX_free);
    REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) == 1);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    const int ok = X509_verify_cert(ctx.get());
    const int err = X509_STORE_CTX_get_error(ctx.get());
    CHECK((ok == 1) == (err == X509_V_OK));
    return err;
}

}  // namespace

TEST_CASE("TestPki: a leaf loads into an SSL_CTX and verifies against the CA", "[pki]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto files = pki.issue(
        LeafSpec{.dns = {"localhost", "api.voiceui.telekom.net"}, .ips = {"127.0.0.1", "::1"}});
    CHECK(files.ca == pki.ca_file());
    CHECK(std::filesystem::exists(pki.ca_file()));

    std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx(SSL_CTX_new(TLS_server_method()),
                                                     &SSL_CTX_free);
    REQUIRE(ctx);
    CHECK(SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert.c_str()) == 1);
    CHECK(SSL_CTX_use_PrivateKey_file(ctx.get(), files.key.c_str(), SSL_FILETYPE_PEM) == 1);
    CHECK(SSL_CTX_check_private_key(ctx.get()) == 1);

    auto ca = read_cert(pki.ca_file());
    auto leaf = read_cert(files.cert);
    CHECK(X509_check_ca(ca.get()) >= 1);
    CHECK(X509_check_ca(leaf.get()) == 0);
    CHECK(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())) == 1);
    CHECK(verify(leaf.get(), ca.get()) == X509_V_OK);

    CHECK(X509_check_host(leaf.get(), "localhost", 0, 0, nullptr) == 1);
    CHECK(X509_check_host(leaf.get(), "api.voiceui.telekom.net", 0, 0, nullptr) == 1);
    CHECK(X509_check_host(leaf.get(), "example.com", 0, 0, nullptr) == 0);
    CHECK(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(leaf.get(), "::1", 0) == 1);
    CHECK(X509_check_ip_asc(leaf.get(), "127.0.0.2", 0) == 0);
}

TEST_CASE("TestPki: an expired leaf is reported expired", "[pki]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto files =
        pki.issue(LeafSpec{.not_before_offset = -48h, .not_after_offset = -24h}, "expired");
    CHECK(files.cert == dir.path / "expired" / "cert.pem");
    auto leaf = read_cert(files.cert);
    auto ca = read_cert(pki.ca_file());
    CHECK(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())) == 1);  // signature fine
    CHECK(verify(leaf.get(), ca.get()) == X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_CASE("TestPki: a leaf from the other CA does not verify against ca.pem", "[pki]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto files = pki.issue(LeafSpec{.from_other_ca = true});
    CHECK(files.ca == pki.other_ca_file());
    CHECK(files.ca != pki.ca_file());
    auto leaf = read_cert(files.cert);
    auto ca = read_cert(pki.ca_file());
    auto other = read_cert(pki.other_ca_file());
    CHECK(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())) != 1);
    CHECK(verify(leaf.get(), ca.get()) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    CHECK(verify(leaf.get(), other.get()) == X509_V_OK);
}

TEST_CASE("TestPki: with_chain appends the CA after the leaf", "[pki]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto files = pki.issue(LeafSpec{.with_chain = true});
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(files.cert.c_str(), "rb"), &std::fclose);
    REQUIRE(f);
    Cert first(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    Cert second(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    REQUIRE(first);
    REQUIRE(second);
    auto ca = read_cert(pki.ca_file());
    CHECK(X509_cmp(second.get(), ca.get()) == 0);
    CHECK(X509_cmp(first.get(), ca.get()) != 0);
}
