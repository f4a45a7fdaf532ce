// The described-type JSON layer: what it writes, what it reads and refuses (with a pointer), and the schemas
// it derives, for the shapes the routes use.
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json/parse.hpp>

#include "api/json_read.hpp"
#include "api/json_schema.hpp"
#include "api/json_write.hpp"

namespace backend::api::test {

BOOST_DEFINE_ENUM_CLASS(Color, red, green)

struct Inner {
  std::int32_t count;
  std::optional<std::string> note;
};
BOOST_DESCRIBE_STRUCT(Inner, (), (count, note))

struct Outer {
  std::string name;
  std::vector<Inner> items;
  std::map<std::string, bool> flags;
  Color color;
  RawJson extra;
};
BOOST_DESCRIBE_STRUCT(Outer, (), (name, items, flags, color, extra))

namespace json = boost::json;

TEST(JsonWrite, WritesMembersInOrderAndLeavesEmptyOptionalsOut) {
  Outer value{"a\"b", {{1, std::nullopt}, {2, "n"}}, {{"x", true}}, Color::green, {"[1,{\"k\":null}]"}};
  std::string out;
  write_json(out, value);
  EXPECT_EQ(out, R"({"name":"a\"b","items":[{"count":1},{"count":2,"note":"n"}],"flags":{"x":true},)"
                 R"("color":"green","extra":[1,{"k":null}]})");
}

TEST(JsonRead, ReadsWhatItWritesAndKeepsRawJsonAsText) {
  Outer value;
  ReadError error;
  ASSERT_TRUE(read_json(json::parse(R"({"name":"n","items":[{"count":3,"note":null}],"flags":{},)"
                                    R"("color":"red","extra":{"deep":[true]}})"),
                        value, error))
      << error.message;
  EXPECT_EQ(value.items.at(0).count, 3);
  EXPECT_FALSE(value.items.at(0).note.has_value());
  EXPECT_EQ(value.color, Color::red);
  EXPECT_EQ(value.extra.text, R"({"deep":[true]})");
}

TEST(JsonRead, RefusesWithAPointerToTheMemberAtFault) {
  auto fails_at = [](std::string_view text) {
    Outer value;
    ReadError error;
    EXPECT_FALSE(read_json(json::parse(text), value, error)) << text;
    return error.pointer;
  };
  std::string good_rest = R"("flags":{},"color":"red","extra":0)";
  EXPECT_EQ(fails_at(R"({"items":[],)" + good_rest + "}"), "/name");
  EXPECT_EQ(fails_at(R"({"name":"n","items":[{"count":"x"}],)" + good_rest + "}"), "/items/0/count");
  EXPECT_EQ(fails_at(R"({"name":"n","items":[{"count":5000000000}],)" + good_rest + "}"), "/items/0/count");
  EXPECT_EQ(fails_at(R"({"name":"n","items":[],"flags":{"a/b~":1},"color":"red","extra":0})"),
            "/flags/a~1b~0");
  EXPECT_EQ(fails_at(R"({"name":"n","items":[],"flags":{},"color":"blue","extra":0})"), "/color");
  EXPECT_EQ(fails_at(R"({"name":"n","items":[],)" + good_rest + R"(,"surplus":1})"), "/surplus");
  EXPECT_EQ(fails_at("[]"), "");
}

TEST(JsonSchema, DerivesNamedSchemasWithRequiredAndNoExtraMembers) {
  SchemaRegistry registry;
  auto ref = schema_of<Outer>(registry);
  EXPECT_EQ(ref.at("$ref"), "#/components/schemas/Outer");
  const auto& outer = registry.schemas().at("Outer");
  EXPECT_EQ(outer.at("required"), json::parse(R"(["name","items","flags","color","extra"])"));
  EXPECT_EQ(outer.at("additionalProperties"), false);
  EXPECT_EQ(outer.at("properties").at("items").at("items").at("$ref"), "#/components/schemas/Inner");
  EXPECT_EQ(outer.at("properties").at("flags").at("additionalProperties").at("type"), "boolean");
  EXPECT_EQ(registry.schemas().at("Inner").at("required"), json::parse(R"(["count"])"));
  EXPECT_EQ(registry.schemas().at("Color").at("enum"), json::parse(R"(["red","green"])"));
}

}  // namespace backend::api::test
