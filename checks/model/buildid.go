package model

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// buildID identifies the running build, for the parse store (its parses
// are its own), in hex. cmd/go stamps every executable it links with a
// build ID whose last part is a hash of the executable's content: where
// the build ID is in an ELF note, its hash is the identity, read without
// reading the executable; elsewhere (another format, a build ID set by
// hand) it is a hash of the whole file.
func buildID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locate the executable: %w", err)
	}
	if id, ok := goBuildID(exe); ok {
		sum := sha256.Sum256([]byte("go-buildid\x00" + id))
		return hex.EncodeToString(sum[:]), nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("read the executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read the executable: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// goBuildID reads the Go build ID of an ELF executable: its
// .note.go.buildid note, "Go" owner, type 4. It is taken only in the form
// cmd/go gives an executable, four parts the last of which hashes the
// content.
func goBuildID(exe string) (string, bool) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil || sec.Type != elf.SHT_NOTE {
		return "", false
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return "", false
	}
	order := f.ByteOrder
	nameSize, descSize, typ := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
	const goNoteType = 4
	if nameSize != 4 || typ != goNoteType || !bytes.Equal(data[12:16], []byte("Go\x00\x00")) || uint64(descSize) > uint64(len(data)-16) {
		return "", false
	}
	id := string(data[16 : 16+descSize])
	parts := strings.Split(id, "/")
	if len(parts) != 4 || strings.Contains(id, "\x00") {
		return "", false
	}
	for _, p := range parts {
		if p == "" {
			return "", false
		}
	}
	return id, true
}
