package imaptest

import (
	"crypto/tls"
	"testing"

	"github.com/patchbot/patchbot/internal/imapmem"
)

// SelfSignedTLS is imapmem.SelfSignedTLS failing the test on error: a
// throwaway certificate for 127.0.0.1, ::1 and localhost, with a server
// configuration presenting it and a client configuration trusting it.
func SelfSignedTLS(tb testing.TB) (server, client *tls.Config) {
	tb.Helper()
	server, client, err := imapmem.SelfSignedTLS()
	if err != nil {
		tb.Fatal(err)
	}
	return server, client
}
