// The one way to include Boost.Asio: Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, which GCC 12 in C++23 rejects.
#pragma once

#include <utility>

#include <boost/asio.hpp>

namespace closbgp {
namespace asio = boost::asio;
}
