// Contract point 10: --help and --version.
#include <gtest/gtest.h>

#include "sidecar_process.hpp"

namespace backend::e2e {
namespace {

TEST(ContractFlags, VersionPrintsTheVersionFromAppJson) {
  Sidecar sidecar({.args = {"--version"}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 0);
  EXPECT_EQ(sidecar.stdout_bytes(),
            std::string(BACKEND_EXPECTED_NAME) + " " + BACKEND_EXPECTED_VERSION + "\n");
}

TEST(ContractFlags, HelpDocumentsTheEnvironmentAndExitCodes) {
  Sidecar sidecar({.args = {"--help"}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 0);
  auto help = sidecar.stderr_bytes();
  EXPECT_NE(help.find("PORT"), std::string::npos);
  EXPECT_NE(help.find("BACKEND_SHUTDOWN_TIMEOUT_MS"), std::string::npos);
  EXPECT_NE(help.find("Exit codes"), std::string::npos);
  EXPECT_EQ(sidecar.stdout_bytes(), "");
}

TEST(ContractFlags, UnknownArgumentExitsWithCode2) {
  Sidecar sidecar({.args = {"--frobnicate"}});
  EXPECT_EQ(sidecar.wait_exit(Sidecar::startup_timeout()), 2);
  EXPECT_NE(sidecar.stderr_bytes().find("--frobnicate"), std::string::npos);
  EXPECT_EQ(sidecar.stdout_bytes(), "");
}

}  // namespace
}  // namespace backend::e2e
