#pragma once
// The server's own routes: liveness and self-description.
#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "api/route.hpp"

namespace backend::system {

// Always `ok` when the backend answers.
BOOST_DEFINE_ENUM_CLASS(HealthStatus, ok)

struct Health {
  HealthStatus status;
  std::string app;
  std::int64_t timestamp;
  double uptime;

  static constexpr std::string_view kDescription =
      "The answer of GET /health: `status` is always `ok`, `app` the app's name, `timestamp` the wall-clock "
      "time in milliseconds since the Unix epoch, `uptime` the seconds since start (monotonic clock).";
};
BOOST_DESCRIBE_STRUCT(Health, (), (status, app, timestamp, uptime))

// The document of GET /openapi.json, of open shape.
struct OpenApiDocument {
  static boost::json::value json_schema();
};

inline constexpr api::TagDoc kTag{"meta", "Health and self-description."};

std::vector<api::Endpoint> endpoints();

}  // namespace backend::system
