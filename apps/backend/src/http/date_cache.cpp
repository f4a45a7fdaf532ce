#include "http/date_cache.hpp"

namespace backend {
namespace {

void put2(char* at, unsigned value) {
  at[0] = static_cast<char>('0' + value / 10);
  at[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::array<char, 29> format_imf_fixdate(std::chrono::sys_seconds time) {
  using namespace std::chrono;
  constexpr std::string_view kDays = "SunMonTueWedThuFriSat";
  constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  auto day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{time - day};
  std::size_t weekday_index = weekday{day}.c_encoding();
  std::size_t month_index = static_cast<unsigned>(date.month()) - 1;
  int year = static_cast<int>(date.year());

  std::array<char, 29> text{};
  kDays.copy(text.data(), 3, weekday_index * 3);
  text[3] = ',';
  text[4] = ' ';
  put2(&text[5], static_cast<unsigned>(date.day()));
  text[7] = ' ';
  kMonths.copy(&text[8], 3, month_index * 3);
  text[11] = ' ';
  put2(&text[12], static_cast<unsigned>(year / 100));
  put2(&text[14], static_cast<unsigned>(year % 100));
  text[16] = ' ';
  put2(&text[17], static_cast<unsigned>(clock.hours().count()));
  text[19] = ':';
  put2(&text[20], static_cast<unsigned>(clock.minutes().count()));
  text[22] = ':';
  put2(&text[23], static_cast<unsigned>(clock.seconds().count()));
  std::string_view(" GMT").copy(&text[25], 4);
  return text;
}

std::string_view DateCache::get(std::chrono::system_clock::time_point now) {
  auto second = std::chrono::floor<std::chrono::seconds>(now);
  if (second != cached_second_) {
    cached_second_ = second;
    text_ = format_imf_fixdate(second);
  }
  return {text_.data(), text_.size()};
}

}  // namespace backend
