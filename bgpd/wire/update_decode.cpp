// UPDATE decoding with RFC 7606 error handling: locate withdrawn routes,
// attributes and NLRI from the length fields, decode each attribute through
// the descriptor table, and keep the strongest action.
#include <bitset>

#include "bgpd/wire/attr_codec.h"
#include "bgpd/wire/hex.h"
#include "bgpd/wire/nlri.h"
#include "bgpd/wire/update_decode.h"

namespace closbgp::wire {
namespace {

DecodeError update_reset(uint8_t subcode, std::string reason, std::vector<uint8_t> data = {}) {
  return DecodeError{ErrorCode::Update, subcode, std::move(data), std::move(reason)};
}

class UpdateDecoder {
 public:
  UpdateDecoder(const DecodeContext& ctx, UpdateMessage& msg)
      : ctx_(ctx), msg_(msg), sink_{msg.attributes, msg.mp_reach, msg.mp_unreach, {}, {}} {}

  // Returns an error only for session resets; everything else is recorded in msg.
  std::optional<DecodeError> decode_attributes(std::span<const uint8_t> attrs) {
    Reader r(attrs);
    while (!r.empty()) {
      const uint8_t* const start = r.here();
      uint8_t flags = 0, type = 0;
      uint16_t len = 0;
      bool header_ok = r.u8(flags) && r.u8(type);
      if (header_ok) {
        if (flags & attr_flag::kExtendedLength) {
          header_ok = r.u16(len);
        } else {
          uint8_t l8 = 0;
          header_ok = r.u8(l8);
          len = l8;
        }
      }
      std::span<const uint8_t> value;
      if (!header_ok || !r.take(len, value)) {
        // RFC 7606 sec. 4: the last attribute overruns the attribute field.
        // Every attribute before it was parsed, so the NLRI are known, unless
        // the overrunning attribute is itself one that carries NLRI.
        if (header_ok && (type == attr_type::kMpReach || type == attr_type::kMpUnreach))
          return update_reset(update_error::kMalformedAttrList,
                              "MP attribute overruns the path attribute field");
        note(type, AttrAction::TreatAsWithdraw, "attribute overruns the path attribute field");
        break;
      }
      const std::span<const uint8_t> whole(start, size_t(r.here() - start));
      if (auto err = decode_one(flags, type, value, whole)) return err;
    }
    return std::nullopt;
  }

  // After all attributes: AS4 merge and the mandatory-attribute checks.
  void finish() {
    if (!ctx_.four_octet_as) detail::merge_as4(sink_);
    const bool reachable = !msg_.nlri.empty() || (msg_.mp_reach && !msg_.mp_reach->nlri.empty());
    if (!reachable) return;
    const auto& a = msg_.attributes;
    // RFC 7606 sec. 3 d): a missing well-known attribute is treat-as-withdraw.
    if (!a.origin) note(attr_type::kOrigin, AttrAction::TreatAsWithdraw, "ORIGIN is missing");
    if (!a.as_path) note(attr_type::kAsPath, AttrAction::TreatAsWithdraw, "AS_PATH is missing");
    if (!msg_.nlri.empty() && !a.next_hop)
      note(attr_type::kNextHop, AttrAction::TreatAsWithdraw, "NEXT_HOP is missing");
  }

 private:
  std::optional<DecodeError> decode_one(uint8_t flags, uint8_t type, std::span<const uint8_t> value,
                                        std::span<const uint8_t> whole) {
    if (ctx_.discard.test(type) || ctx_.treat_as_withdraw.test(type)) {
      const bool discard = ctx_.discard.test(type);
      note(type, discard ? AttrAction::AttributeDiscard : AttrAction::TreatAsWithdraw,
           "attribute " + std::to_string(type) + (discard ? " discarded" : " withdraws the route") +
               " as configured",
           true);
      return std::nullopt;
    }
    const detail::AttrDescriptor* d = detail::find_attr(type);
    if (seen_.test(type)) {
      // RFC 7606 sec. 3 g): repeated MP attributes reset; other repeats are dropped.
      if (type == attr_type::kMpReach || type == attr_type::kMpUnreach)
        return update_reset(update_error::kMalformedAttrList,
                            std::string(d->name) + " appears more than once");
      note(type, AttrAction::AttributeDiscard, "repeated attribute " + std::to_string(type));
      return std::nullopt;
    }
    seen_.set(type);
    if (!d) {
      if (!(flags & attr_flag::kOptional))
        return update_reset(update_error::kUnrecognizedWellKnown,
                            "unrecognized well-known attribute " + std::to_string(type),
                            {whole.begin(), whole.end()});
      if (flags & attr_flag::kTransitive)
        msg_.attributes.unknown.push_back(RawAttribute{
            uint8_t(flags & ~attr_flag::kExtendedLength), type, {value.begin(), value.end()}});
      return std::nullopt;  // unknown optional non-transitive: quietly dropped
    }
    const uint8_t kind = flags & (attr_flag::kOptional | attr_flag::kTransitive);
    const bool carries_nlri = type == attr_type::kMpReach || type == attr_type::kMpUnreach;
    if (kind != d->flags) {
      // RFC 7606 sec. 3 c). The NLRI of an MP attribute are still needed to
      // withdraw them, so those are parsed regardless.
      note(type, AttrAction::TreatAsWithdraw,
           std::string(d->name) + " has attribute flags 0x" + to_hex({&flags, 1}));
      if (!carries_nlri) return std::nullopt;
    }
    std::string why;
    const AttrAction action = d->decode(value, ctx_, sink_, why);
    if (action == AttrAction::SessionReset)
      return update_reset(d->reset_subcode, std::move(why), {whole.begin(), whole.end()});
    if (action != AttrAction::None) note(type, action, std::move(why));
    return std::nullopt;
  }

  void note(uint8_t type, AttrAction action, std::string why, bool configured = false) {
    msg_.errors.push_back(AttrError{type, action, std::move(why), configured});
    if (action > msg_.action) msg_.action = action;
  }

  const DecodeContext& ctx_;
  UpdateMessage& msg_;
  detail::AttrSink sink_;
  std::bitset<256> seen_;
};

}  // namespace

std::expected<UpdateMessage, DecodeError> decode_update(std::span<const uint8_t> body,
                                                        const DecodeContext& ctx) {
  Reader r(body);
  uint16_t withdrawn_len = 0, attrs_len = 0;
  std::span<const uint8_t> withdrawn, attrs;
  if (!r.u16(withdrawn_len) || !r.take(withdrawn_len, withdrawn) || !r.u16(attrs_len) ||
      !r.take(attrs_len, attrs))
    return std::unexpected(update_reset(update_error::kMalformedAttrList,
                                        "withdrawn routes length " + std::to_string(withdrawn_len) +
                                            " and attribute length " + std::to_string(attrs_len) +
                                            " exceed the message"));

  UpdateMessage msg;
  const bool add_path4 = ctx.add_path.has(Family::Ipv4Unicast);
  if (!decode_nlri(withdrawn, Afi::Ipv4, add_path4, msg.withdrawn))
    return std::unexpected(
        update_reset(update_error::kInvalidNetwork, "malformed prefix in withdrawn routes"));
  if (!decode_nlri(r.rest(), Afi::Ipv4, add_path4, msg.nlri))
    return std::unexpected(update_reset(update_error::kInvalidNetwork, "malformed prefix in NLRI"));

  UpdateDecoder decoder(ctx, msg);
  if (auto err = decoder.decode_attributes(attrs)) return std::unexpected(std::move(*err));
  decoder.finish();
  return msg;
}

}  // namespace closbgp::wire
