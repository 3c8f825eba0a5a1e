#include "bgpd/cli/proto_json.h"

#include <cctype>

namespace closbgp::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// "SessionState" -> "SESSION_STATE_"
std::string enum_prefix(const std::string& type_name) {
  std::string out;
  for (size_t i = 0; i < type_name.size(); ++i) {
    const char c = type_name[i];
    if (i > 0 && std::isupper(static_cast<unsigned char>(c))) out += '_';
    out += char(std::toupper(static_cast<unsigned char>(c)));
  }
  return out + "_";
}

// One value of `f`: the field's own, or element `i` of a repeated one.
void write_value(const Message& m, const Reflection& r, const FieldDescriptor& f, int i,
                 json::JsonWriter& w) {
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      w.value(int64_t(rep ? r.GetRepeatedInt32(m, &f, i) : r.GetInt32(m, &f)));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      w.value(int64_t(rep ? r.GetRepeatedInt64(m, &f, i) : r.GetInt64(m, &f)));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      w.value(uint64_t(rep ? r.GetRepeatedUInt32(m, &f, i) : r.GetUInt32(m, &f)));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      w.value(uint64_t(rep ? r.GetRepeatedUInt64(m, &f, i) : r.GetUInt64(m, &f)));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      w.value(rep ? r.GetRepeatedDouble(m, &f, i) : r.GetDouble(m, &f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      w.value(double(rep ? r.GetRepeatedFloat(m, &f, i) : r.GetFloat(m, &f)));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      w.value(rep ? r.GetRepeatedBool(m, &f, i) : r.GetBool(m, &f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      w.value(short_enum_name(*(rep ? r.GetRepeatedEnum(m, &f, i) : r.GetEnum(m, &f))));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      w.value(rep ? r.GetRepeatedString(m, &f, i) : r.GetString(m, &f));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_json(rep ? r.GetRepeatedMessage(m, &f, i) : r.GetMessage(m, &f), w);
      break;
  }
}

}  // namespace

std::string short_enum_name(const google::protobuf::EnumValueDescriptor& v) {
  std::string name = v.name();
  const std::string prefix = enum_prefix(v.type()->name());
  if (name.starts_with(prefix) && name.size() > prefix.size()) name.erase(0, prefix.size());
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

void write_json(const Message& m, json::JsonWriter& w) {
  const auto* d = m.GetDescriptor();
  const Reflection& r = *m.GetReflection();
  w.begin_object();
  for (int k = 0; k < d->field_count(); ++k) {
    const FieldDescriptor& f = *d->field(k);
    if (f.is_repeated()) {
      w.key(f.name()).begin_array();
      for (int i = 0; i < r.FieldSize(m, &f); ++i) write_value(m, r, f, i, w);
      w.end_array();
    } else if (!f.has_presence() || r.HasField(m, &f)) {
      w.key(f.name());
      write_value(m, r, f, 0, w);
    }
  }
  w.end_object();
}

std::string to_json(const Message& m) {
  json::JsonWriter w;
  write_json(m, w);
  return w.str();
}

}  // namespace closbgp::cli
