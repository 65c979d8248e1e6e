/* The tracepoint provider of tests/ust_recorded.rs: every field is a function of `k`, the
 * event's number, so the test can check each decoded value. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER lttng_tui_test

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./tp.h"

#if !defined(LTTNG_TUI_TEST_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define LTTNG_TUI_TEST_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_ENUM(lttng_tui_test, state,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("IDLE", 0)
        lttng_ust_field_enum_range("BUSY", 1, 3)
        lttng_ust_field_enum_value("DONE", 5)
    )
)

LTTNG_UST_TRACEPOINT_EVENT(lttng_tui_test, sample,
    LTTNG_UST_TP_ARGS(uint32_t, k, uint32_t, worker, const char *, text,
                      const int32_t *, triple, const uint8_t *, bytes, const char *, label,
                      unsigned int, nbytes),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint32_t, k, k)
        lttng_ust_field_integer(uint8_t, worker, worker)
        lttng_ust_field_integer(int8_t, small, (int8_t)(k * 37u))
        lttng_ust_field_integer(int16_t, mid, (int16_t)(k * 101u))
        lttng_ust_field_integer(int64_t, neg, -(int64_t)k * 1000003)
        lttng_ust_field_integer(uint64_t, big, (uint64_t)k * 0x9E3779B97F4A7C15ull)
        lttng_ust_field_integer_hex(uint16_t, hex, (uint16_t)(k * 7u))
        lttng_ust_field_integer_network(uint32_t, net, k * 11u)
        lttng_ust_field_string(text, text)
        lttng_ust_field_float(double, eighth, k / 8.0)
        lttng_ust_field_float(float, quarter, (float)k / 4.0f)
        lttng_ust_field_array(int32_t, triple, triple, 3)
        lttng_ust_field_sequence(uint8_t, bytes, bytes, unsigned int, nbytes)
        lttng_ust_field_sequence_text(char, label, label, unsigned int, nbytes)
        lttng_ust_field_enum(lttng_tui_test, state, int, state, (int)(k % 7u))
    )
)

#endif /* LTTNG_TUI_TEST_TP_H */

#include <lttng/tracepoint-event.h>
