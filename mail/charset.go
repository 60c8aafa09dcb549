package mail

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// fallbackDecode turns the bytes of a part whose charset go-message has no
// decoder for into UTF-8, as mail clients do: UTF-7 (RFC 2152, which
// Outlook still sends) is decoded; anything else — a bogus label such as
// "y", which git send-email writes when its "Which 8bit encoding should I
// declare?" prompt is answered "y" — is read as UTF-8 when the bytes are
// valid UTF-8, else as Latin-1, where every byte is a character. It returns
// the text and the charset it was read as.
func fallbackDecode(label string, data []byte) ([]byte, string) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7":
		return decodeUTF7(data), "UTF-7"
	}
	if utf8.Valid(data) {
		return data, "UTF-8"
	}
	return latin1ToUTF8(data), "ISO-8859-1"
}

// latin1ToUTF8 maps each byte to the code point of the same value.
func latin1ToUTF8(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/8)
	for _, c := range data {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// decodeUTF7 decodes RFC 2152 UTF-7: "+" opens a run of modified base64
// (no padding) holding UTF-16BE code units, closed by "-" (which is
// dropped) or by any character outside the base64 alphabet; "+-" is a
// literal "+". Malformed runs keep their bytes rather than lose text.
func decodeUTF7(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c != '+' {
			out = append(out, c)
			continue
		}
		j := i + 1
		for j < len(data) && base64Value(data[j]) >= 0 {
			j++
		}
		if j == i+1 {
			// "+-" is "+"; a "+" followed by no base64 at all is kept.
			out = append(out, '+')
			if j < len(data) && data[j] == '-' {
				i = j
			}
			continue
		}
		units, ok := utf7Units(data[i+1 : j])
		if !ok {
			out = append(out, data[i:j]...)
			i = j - 1
			continue
		}
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		if j < len(data) && data[j] == '-' {
			j++
		}
		i = j - 1
	}
	return out
}

// utf7Units decodes one modified-base64 run into UTF-16 code units. The
// bits left over at the end must be fewer than 16 and all zero.
func utf7Units(run []byte) ([]uint16, bool) {
	var units []uint16
	var acc uint32
	bits := 0
	for _, c := range run {
		acc = acc<<6 | uint32(base64Value(c))
		bits += 6
		if bits >= 16 {
			bits -= 16
			units = append(units, uint16(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	return units, len(units) > 0 && acc == 0
}

// base64Value is the value of a base64 digit, -1 for other bytes.
func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
