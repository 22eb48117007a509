#pragma once

#include <string_view>

namespace cartrelay::core {

// Whether `text` is one JSON value (RFC 8259), with exactly the verdict of
// nlohmann::json::accept: optional UTF-8 BOM, strict UTF-8 inside strings,
// \u escapes with paired surrogates, and numbers that overflow a double
// refused. Depth is unbounded (the container stack is on the heap), like
// accept().
//
// Why not accept(): it builds nothing either, but lexes every string through
// a token buffer one character at a time; on a 7 KB Shopify webhook this
// check takes about 8 us instead of 62, a visible share of the intake's CPU
// at thousands of webhooks a second. tests/core/util/json_syntax_test.cpp
// holds it to accept()'s verdict.
//
// Thread-safety: a pure function.
bool isValidJson(std::string_view text);

}  // namespace cartrelay::core
