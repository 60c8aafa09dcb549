package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// decodeWarning names an RFC 2047 decoding failure the way the rest of
// the reader names charset problems.
func decodeWarning(err error) error {
	if strings.Contains(err.Error(), "charset") {
		return fmt.Errorf("%w: %w", ErrUndecodableCharset, err)
	}
	return err
}

// entityWarning turns go-message's "readable, but" errors into ours.
func entityWarning(ent *message.Entity, err error) error {
	switch {
	case message.IsUnknownEncoding(err):
		return fmt.Errorf("%w: unknown Content-Transfer-Encoding %q, body kept as is",
			ErrBrokenMIME, ent.Header.Get("Content-Transfer-Encoding"))
	default:
		return err
	}
}

// readBody returns the patch-carrying text of an entity: the first
// inline text/plain part plus every patch attachment, in order. entErr is
// go-message's "readable, but" error for ent itself. A fatal error means
// the text could not be recovered.
func readBody(ent *message.Entity, entErr error) (body []byte, warns []error, fatal error) {
	var w bodyWalker
	fatal = w.walk(ent, entErr, 0)
	return w.buf.Bytes(), w.warns, fatal
}

// bodyWalker collects text while walking a MIME tree.
type bodyWalker struct {
	buf      bytes.Buffer
	haveText bool
	warns    []error
}

// walk visits ent; entErr is the charset/encoding problem go-message
// reported for it, which only matters if its text is taken.
func (w *bodyWalker) walk(ent *message.Entity, entErr error, depth int) error {
	mediaType, params, ctErr := ent.Header.ContentType()
	if ctErr != nil {
		raw := ent.Header.Get("Content-Type")
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw)), "multipart/") {
			return fmt.Errorf("%w: unreadable Content-Type %q: %w", ErrBrokenMIME, raw, ctErr)
		}
		// Any other unparsable Content-Type is text/plain (RFC 2045
		// section 5.2), which is what mail clients do.
		mediaType = "text/plain"
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		return w.leaf(ent, entErr, mediaType)
	}
	if depth >= maxMIMEDepth {
		return fmt.Errorf("%w: multipart nested deeper than %d levels", ErrBrokenMIME, maxMIMEDepth)
	}
	if params["boundary"] == "" {
		return fmt.Errorf("%w: %s without a boundary parameter", ErrBrokenMIME, mediaType)
	}
	mr := ent.MultipartReader()
	parts := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if part == nil {
			cause := fmt.Errorf("%w: %s boundary %q: %v", ErrBrokenMIME, mediaType, params["boundary"], err)
			if parts == 0 {
				return cause
			}
			// Mail cut short after its text (a lost closing boundary) is
			// still worth checking; say so.
			w.warns = append(w.warns, fmt.Errorf("%w (kept the %d part(s) before it)", cause, parts))
			return nil
		}
		parts++
		if err := w.walk(part, err, depth+1); err != nil {
			return err
		}
	}
	if parts == 0 {
		return fmt.Errorf("%w: %s boundary %q never found", ErrBrokenMIME, mediaType, params["boundary"])
	}
	return nil
}

// leaf appends a single part's decoded body when it carries the patch.
func (w *bodyWalker) leaf(ent *message.Entity, entErr error, mediaType string) error {
	if mediaType == "" {
		mediaType = "text/plain" // RFC 2045 section 5.2 default
	}
	disp, _, _ := ent.Header.ContentDisposition()
	ah := gomail.AttachmentHeader{Header: ent.Header}
	name, _ := ah.Filename()

	take := false
	switch {
	case mediaType == "text/plain" && !w.haveText && disp != "attachment":
		take = true
		w.haveText = true
	case mediaType == "text/x-patch" || mediaType == "text/x-diff":
		take = true
	case isPatchName(name) && (mediaType == "text/plain" || mediaType == "application/octet-stream" ||
		mediaType == "application/x-patch" || mediaType == "application/x-diff"):
		take = true
	}
	if !take {
		return nil
	}
	unknownCharset := message.IsUnknownCharset(entErr)
	if entErr != nil && !unknownCharset {
		w.warns = append(w.warns, entityWarning(ent, entErr))
	}
	data, err := io.ReadAll(ent.Body)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) && len(data) > 0:
		// The mail ends inside this part (closing boundary or last
		// base64 quantum lost): keep what arrived, say it is cut.
		w.warns = append(w.warns, fmt.Errorf("%w: %s part is cut short: %w", ErrBrokenMIME, mediaType, err))
	case err != nil:
		return fmt.Errorf("%w: decoding %s part: %w", ErrBrokenMIME, mediaType, err)
	}
	if unknownCharset {
		// go-message hands over the bytes as they were (transfer encoding
		// undone): read them as a mail client would rather than lose the
		// patch, and say how they were read.
		_, params, _ := ent.Header.ContentType()
		var as string
		data, as = fallbackDecode(params["charset"], data)
		w.warns = append(w.warns, fmt.Errorf("%w %q: read as %s", ErrUnknownCharset, params["charset"], as))
	}
	if w.buf.Len() > 0 && !bytes.HasSuffix(w.buf.Bytes(), []byte("\n")) {
		w.buf.WriteByte('\n')
	}
	w.buf.Write(data)
	return nil
}

// isPatchName reports whether an attachment name says it holds a patch.
func isPatchName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".patch" || ext == ".diff"
}

// normaliseNewlines turns CRLF and lone CR into LF. It returns b itself
// when there is no CR.
func normaliseNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\r' {
			out = append(out, c)
			continue
		}
		out = append(out, '\n')
		if i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
	}
	return out
}
