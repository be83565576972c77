// Package resp is the wire protocol layer of the embedis RESP server: it
// reads client requests the way Redis 7.0 does and encodes replies in
// RESP2 or RESP3.
//
// Reader parses requests, both the multibulk form clients send
// (*N\r\n$len\r\n...\r\n) and the inline form typed into telnet, with
// Redis 7.0's exact rules and protocol error texts, including its quirks:
// the two bytes after a count line's '\r' and after bulk data are skipped
// unchecked, a multibulk count of zero or less is no command, and a NUL
// byte before a line's terminator keeps the line from ever ending (Redis
// searches lines with strchr), so such a request fails only once its line
// is too long.
//
// Writer appends replies to a buffer without allocating; the server
// flushes it. ReadReply is the client side, for tests and differential
// suites: it parses any RESP2 or RESP3 reply into a Reply tree whose
// String method renders it unambiguously.
//
// Where Redis's behaviour depends on how the bytes happen to arrive in its
// 16 KB reads (a line longer than 64 KB may be accepted when its terminator
// comes in the same read that crosses the limit), Reader behaves as Redis
// does when bytes arrive one at a time, so its results never depend on how
// the input is split.
package resp
