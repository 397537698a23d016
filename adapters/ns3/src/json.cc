#include "json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace json
{
namespace
{

class Reader
{
  public:
    explicit Reader(const std::string& s)
        : m_s(s)
    {
    }

    std::optional<Object> Parse(std::string& why)
    {
        Object object;
        SkipSpace();
        if (!Take('{'))
        {
            return Fail(why, "not a JSON object");
        }
        SkipSpace();
        if (!Take('}'))
        {
            for (;;)
            {
                SkipSpace();
                std::string key;
                if (!ReadString(key))
                {
                    return Fail(why, "expected a quoted key");
                }
                SkipSpace();
                if (!Take(':'))
                {
                    return Fail(why, "expected ':' after a key");
                }
                SkipSpace();
                Value value;
                if (!ReadValue(value, why))
                {
                    return std::nullopt;
                }
                if (object.count(key) != 0)
                {
                    return Fail(why, "key " + key + " appears twice");
                }
                object[key] = value;
                SkipSpace();
                if (Take('}'))
                {
                    break;
                }
                if (!Take(','))
                {
                    return Fail(why, "expected ',' or '}'");
                }
            }
        }
        SkipSpace();
        if (m_i != m_s.size())
        {
            return Fail(why, "text after the object");
        }
        return object;
    }

  private:
    std::optional<Object> Fail(std::string& why, const std::string& what)
    {
        why = what;
        return std::nullopt;
    }

    void SkipSpace()
    {
        while (m_i < m_s.size() &&
               (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\r' || m_s[m_i] == '\n'))
        {
            m_i++;
        }
    }

    bool Take(char c)
    {
        if (m_i < m_s.size() && m_s[m_i] == c)
        {
            m_i++;
            return true;
        }
        return false;
    }

    bool TakeWord(const char* word)
    {
        std::string w(word);
        if (m_s.compare(m_i, w.size(), w) == 0)
        {
            m_i += w.size();
            return true;
        }
        return false;
    }

    static void AppendUtf8(std::string& out, uint32_t cp)
    {
        if (cp < 0x80)
        {
            out += static_cast<char>(cp);
        }
        else if (cp < 0x800)
        {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
        else
        {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    bool ReadString(std::string& out)
    {
        if (!Take('"'))
        {
            return false;
        }
        while (m_i < m_s.size())
        {
            char c = m_s[m_i++];
            if (c == '"')
            {
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20)
            {
                return false;
            }
            if (c != '\\')
            {
                out += c;
                continue;
            }
            if (m_i >= m_s.size())
            {
                return false;
            }
            char e = m_s[m_i++];
            switch (e)
            {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                if (m_i + 4 > m_s.size())
                {
                    return false;
                }
                char* end = nullptr;
                std::string hex = m_s.substr(m_i, 4);
                uint32_t cp = std::strtoul(hex.c_str(), &end, 16);
                if (end != hex.c_str() + 4)
                {
                    return false;
                }
                m_i += 4;
                AppendUtf8(out, cp); // surrogate pairs are not needed by this protocol
                break;
            }
            default: return false;
            }
        }
        return false;
    }

    bool ReadValue(Value& value, std::string& why)
    {
        if (m_i >= m_s.size())
        {
            why = "a value is missing";
            return false;
        }
        char c = m_s[m_i];
        if (c == '"')
        {
            value.kind = Value::String;
            if (!ReadString(value.text))
            {
                why = "a string is malformed";
                return false;
            }
            return true;
        }
        if (TakeWord("true"))
        {
            value.kind = Value::Boolean;
            value.boolean = true;
            return true;
        }
        if (TakeWord("false"))
        {
            value.kind = Value::Boolean;
            value.boolean = false;
            return true;
        }
        if (TakeWord("null"))
        {
            value.kind = Value::Null;
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9'))
        {
            size_t start = m_i;
            bool integral = true;
            while (m_i < m_s.size() && std::string("+-0123456789.eE").find(m_s[m_i]) != std::string::npos)
            {
                if (m_s[m_i] == '.' || m_s[m_i] == 'e' || m_s[m_i] == 'E')
                {
                    integral = false;
                }
                m_i++;
            }
            std::string token = m_s.substr(start, m_i - start);
            char* end = nullptr;
            errno = 0;
            value.number = std::strtod(token.c_str(), &end);
            if (end != token.c_str() + token.size() || !std::isfinite(value.number))
            {
                why = "a number is malformed";
                return false;
            }
            value.kind = Value::Number;
            if (integral)
            {
                errno = 0;
                long long n = std::strtoll(token.c_str(), &end, 10);
                if (errno == 0)
                {
                    value.kind = Value::Integer;
                    value.integer = n;
                }
            }
            return true;
        }
        why = "nested objects and arrays are not part of any request";
        return false;
    }

    const std::string& m_s;
    size_t m_i = 0;
};

} // namespace

std::optional<Object>
ParseFlatObject(const std::string& line, std::string& why)
{
    return Reader(line).Parse(why);
}

std::string
Quote(const std::string& text)
{
    std::string out = "\"";
    for (unsigned char c : text)
    {
        switch (c)
        {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20)
            {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
            else
            {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string
Millis(int64_t ns)
{
    char buf[48];
    std::snprintf(buf,
                  sizeof buf,
                  "%lld.%06lld",
                  static_cast<long long>(ns / 1000000),
                  static_cast<long long>(ns % 1000000));
    std::string s(buf);
    while (s.back() == '0')
    {
        s.pop_back();
    }
    if (s.back() == '.')
    {
        s.pop_back();
    }
    return s;
}

} // namespace json
