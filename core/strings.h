#pragma once
// String helpers: splitting, trimming, strict number parsing and the number formats of the
// project's outputs (shortest round-trip text, fixed decimals, UTC timestamps).
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

std::vector<std::string_view> split(std::string_view text, char separator);
// Splits on any of the characters in `separators`, dropping empty pieces.
std::vector<std::string_view> split_any(std::string_view text, std::string_view separators);
std::string_view trim(std::string_view text);
std::string join(const std::vector<std::string>& pieces, std::string_view separator);
std::string to_lower(std::string_view text);

// Strict number parsing: the whole (trimmed) text must be the number.
bool parse_int(std::string_view text, int& value);
bool parse_double(std::string_view text, double& value);
// An index as people and tables write it: decimal digits only (no sign, no '+', no spaces, no
// exponent), within int. False otherwise, so that "-1", "+1" and "1e30" never pass as an index.
bool parse_index(std::string_view text, int& value);

// Shortest text that reads back as the same double (like Python's repr).
std::string format_double(double value);
// `value` with `digits` decimals ("9.427"), "n/a" for NaN: report tables and log lines.
std::string format_fixed(double value, int digits);
// The current UTC time as ISO 8601, "2026-11-28T23:47:54Z" (the date of written tables).
std::string utc_timestamp();

}  // namespace hwnas
