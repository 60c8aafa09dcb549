package model

import (
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// Image is one piece of C source the checks parse: a hunk's pre- or
// post-image, or a whole file after a patch was applied to the tree. Lines
// of the image map back to lines of the file on its side of the diff.
type Image struct {
	// File is the path of the file the image belongs to.
	File string
	src  []byte
	// fileLine[i] is the file line of image line i+1 (0 for lines we
	// synthesised, such as a struct header recovered from the hunk header).
	fileLine []int
	// changed[i] is true when image line i+1 was added (post-image) or
	// removed (pre-image) by the patch.
	changed []bool
	// text[i] is image line i+1 as written.
	text []string
	// header is the hunk header's function context, for recovering the
	// enclosing function or initializer of a fragment.
	header string
	// whole is true for a whole-file image.
	whole bool
	// patch is the index of the patch the image belongs to.
	patch int
	unit  *cfront.Unit
	// names answers MayName, set on first use.
	names *cfront.Names
	// conds caches conditions().
	conds [][]condLevel
	// hdr caches the parse of header, parsed by headers (shared by the
	// images of a model; nil parses afresh).
	hdr     *cfront.Func
	headers *headerFuncs
}

// Unit is the image's parse, nil until Model.Parse (or Model.View) has
// parsed it.
func (im *Image) Unit() *cfront.Unit { return im.unit }

// Patch is the index of the patch the image belongs to.
func (im *Image) Patch() int { return im.patch }

// MayName reports whether the image's parse can name anything name (see
// cfront.MayName): a query for one name leaves unparsed the images for
// which it is false, since they cannot answer it.
func (im *Image) MayName(name string) bool {
	if im.names == nil {
		im.names = cfront.NamesOf(im.src)
	}
	return im.names.May(name)
}

// Lines is how many lines the image has.
func (im *Image) Lines() int { return len(im.text) }

// FileLine maps an image line to its file line (0 when out of range or
// synthetic).
func (im *Image) FileLine(l int) int {
	if l < 1 || l > len(im.fileLine) {
		return 0
	}
	return im.fileLine[l-1]
}

// Changed reports whether image line l was added or removed by the patch.
func (im *Image) Changed(l int) bool {
	if l < 1 || l > len(im.changed) {
		return false
	}
	return im.changed[l-1]
}

// Text returns image line l.
func (im *Image) Text(l int) string {
	if l < 1 || l > len(im.text) {
		return ""
	}
	return im.text[l-1]
}

// ChangedIn reports whether any line in [from, to] was changed.
func (im *Image) ChangedIn(from, to int) bool {
	for l := from; l <= to; l++ {
		if im.Changed(l) {
			return true
		}
	}
	return false
}

// Quote renders image lines [from, to] as "file:line: text" for a finding.
func (im *Image) Quote(from, to int) []string {
	if to < from {
		to = from
	}
	if to-from > 6 {
		to = from + 6
	}
	var q []string
	for l := from; l <= to; l++ {
		fl := im.FileLine(l)
		if fl == 0 {
			continue
		}
		q = append(q, fmt.Sprintf("%s:%d: %s", im.File, fl, strings.TrimRight(im.Text(l), " \t")))
	}
	return q
}
