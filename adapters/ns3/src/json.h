// The little JSON this adapter needs: reading one flat request object per line, and writing strings
// and numbers into the lines it answers with. The protocol's requests are flat (no nested objects
// or arrays), so a full JSON library would be more than the job asks for.
#ifndef NS3_ADAPTER_JSON_H
#define NS3_ADAPTER_JSON_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace json
{

struct Value
{
    enum Kind { String, Integer, Number, Boolean, Null } kind = Null;
    std::string text;      // for String
    int64_t integer = 0;   // for Integer (a number written without fraction or exponent)
    double number = 0;     // for Integer and Number
    bool boolean = false;  // for Boolean
};

using Object = std::map<std::string, Value>;

// Parses `line` as one flat JSON object; on failure returns nothing and says why in `why`.
std::optional<Object> ParseFlatObject(const std::string& line, std::string& why);

// `text` as a JSON string literal, quotes included.
std::string Quote(const std::string& text);

// Nanoseconds as milliseconds with up to six decimals and no trailing zeros ("1203.5", "3000.000001"),
// so virtual times keep the simulator's nanosecond resolution without float rounding.
std::string Millis(int64_t ns);

} // namespace json

#endif
