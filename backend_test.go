package embedis

import (
	"context"
	"errors"
	"testing"
)

// remoteText is an error as a client library hands a Redis error reply
// over: only its text.
type remoteText string

func (e remoteText) Error() string { return string(e) }

// remoteError maps a remote Redis's error reply to the engine's value of
// the same text, with or without the suffix Redis 7 adds to a command's
// error that a script did not catch, and leaves every other error alone.
func TestRemoteError(t *testing.T) {
	other := remoteText("ERR helper: something else")
	for _, c := range []struct {
		in   error
		want error
	}{
		{nil, nil},
		{ErrWrongType, ErrWrongType},
		{remoteText(ErrWrongType.Error()), ErrWrongType},
		{remoteText(ErrOverflow.Error() + " script: 0123456789abcdef0123456789abcdef01234567, on @user_script:3."), ErrOverflow},
		{remoteText(errDecrementOverflow.Error()), errDecrementOverflow},
		{other, other},
		{remoteText("ERR value is not an integer or out of range script: x"), remoteText("ERR value is not an integer or out of range script: x")},
		{context.Canceled, context.Canceled},
	} {
		got := remoteError(c.in)
		if got != c.want {
			t.Errorf("remoteError(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if !errors.Is(remoteError(remoteText(errDecrementOverflow.Error())), ErrOverflow) {
		t.Errorf("a form's text does not match its kind")
	}
}
