package mail

import "testing"

func TestDecodeUTF7(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// The examples of RFC 2152, section "Overview".
		{"RFC 2152: A<NOT IDENTICAL TO><ALPHA>.", "A+ImIDkQ.", "A\u2262\u0391."},
		{"RFC 2152: Hi Mom -<WHITE SMILING FACE>-!", "Hi Mom -+Jjo--!", "Hi Mom -\u263a-!"},
		{"RFC 2152: Japanese for 'Japanese'", "+ZeVnLIqe-", "\u65e5\u672c\u8a9e"},
		{"+- is a plus sign", "1 +- 1", "1 + 1"},
		{"a run closed by a non-base64 byte keeps that byte", "+AKM 1", "\u00a3 1"},
		{"surrogate pairs", "+2D3eAA-", "\U0001f600"},
		{"a lone + at the end stays", "a+", "a+"},
		{"a malformed run keeps its bytes", "+A-", "+A-"},
		{"plain ASCII is unchanged", "diff --git a/x b/x", "diff --git a/x b/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(decodeUTF7([]byte(tt.in))); got != tt.want {
				t.Errorf("decodeUTF7(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFallbackDecode(t *testing.T) {
	tests := []struct {
		name, label, in, want, as string
	}{
		{"valid UTF-8 under a bogus label", "y", "J\u00f6rg", "J\u00f6rg", "UTF-8"},
		{"Latin-1 bytes under a bogus label", "y", "J\xf6rg", "J\u00f6rg", "ISO-8859-1"},
		{"UTF-7 by any of its names", "UTF7", "+AKM-", "\u00a3", "UTF-7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, as := fallbackDecode(tt.label, []byte(tt.in))
			if string(got) != tt.want || as != tt.as {
				t.Errorf("fallbackDecode(%q, %q) = %q as %s, want %q as %s", tt.label, tt.in, got, as, tt.want, tt.as)
			}
		})
	}
}
