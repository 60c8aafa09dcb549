package droppeduser

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// derefWord finds "name->member"; addressOnly then drops the ones under
// "&", which only compute an address.
var derefWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)`) })

// userStructMembers are members of the uapi structs that user pointers
// most often point to (struct user_msghdr, struct iovec, struct mmsghdr;
// include/linux/socket.h, include/uapi/linux/uio.h): none is an array,
// so reading one through a __user pointer reads user memory even when no
// struct definition is at hand.
var userStructMembers = map[string]bool{
	"msg_name": true, "msg_namelen": true, "msg_iov": true, "msg_iovlen": true,
	"msg_control": true, "msg_controllen": true, "msg_flags": true,
	"iov_base": true, "iov_len": true, "msg_len": true,
}

// userDerefs is rule (d): a line the patch adds that dereferences a __user
// pointer ("dereference of noderef expression").
func (r *review) userDerefs(ctx context.Context, k int, im *model.Image) []checks.Finding {
	if im.Patch() != k {
		return nil
	}
	var out []checks.Finding
	for l := 1; l <= im.Lines(); l++ {
		if !im.Changed(l) {
			continue
		}
		text := codeOf(im.Text(l))
		if !strings.Contains(text, "->") {
			continue
		}
		for _, loc := range derefWord().FindAllStringSubmatchIndex(text, -1) {
			name := text[loc[2]:loc[3]]
			if addressOnly(text, loc[0]) {
				continue
			}
			fn := im.EnclosingLine(l)
			d, ok := userPointer(r.scopeDecls(ctx, k, im.File, fn, name))
			if !ok || d.Type.Pointer() != 1 || !r.memberRead(ctx, k, d.Type, text[loc[4]:loc[5]], text, loc[0], loc[1]) {
				continue
			}
			out = append(out, checks.Finding{
				Check: ID, Severity: checks.SeverityWarning,
				File: im.File, Line: im.FileLine(l), Symbol: fn + ":" + name,
				Message: fmt.Sprintf("dereference of noderef expression: '%s' is declared '%s' and is read with '->'", name, declText(d.Type, d.Name)),
				Explanation: fmt.Sprintf("'%s' points to user memory; reading a member through it dereferences a user pointer in kernel context "+
					"(no access_ok() check, faults under SMAP/PAN). sparse reports \"dereference of noderef expression\". Copy the "+
					"structure (or the one field) in with copy_from_user()/get_user() first.", name),
				Quote:      im.Quote(l, l),
				Suggestion: fmt.Sprintf("read the field with get_user(x, &%s->field) or copy the struct with copy_from_user()", name),
				MessageID:  r.m.PatchMessageID(k),
				Patch:      r.m.PatchNumber(k),
			})
			break
		}
	}
	return out
}

// memberRead reports whether "p->member" (text[start:end]), p of type
// pt, reads or writes memory: it does unless the member is an array,
// whose name only decays to an address (sparse is silent on `uarg->data`
// for `char data[]`). The member is looked up in the struct's definition
// (series, then tree); where no definition is at hand, the access is
// read with confidence only when its context rules an array out, or for
// the well-known members of userStructMembers.
func (r *review) memberRead(ctx context.Context, k int, pt cfront.Type, member, text string, start, end int) bool {
	if tag := pt.StructTag(); tag != "" {
		if ms, ok := r.m.Member(ctx, tag, member, k); ok {
			return !strings.Contains(ms.Mem.Type.Text, "[")
		}
	}
	return userStructMembers[member] || usedAsValue(text, start, end)
}

// valueAfter matches what may follow an access only if it is a value or
// an lvalue, never an array decaying to its address: an index, a member,
// an assignment, an increment, a bitwise or shift operator.
var valueAfter = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:\[|\.|->|=[^=]|[-+*/%^|&]=|<<|>>|\+\+|--|\^|&[^&]|\|[^|])`)
})

// usedAsValue reports whether the access text[start:end] is certainly
// read or written: by what follows it (valueAfter) or by a dereference,
// a complement or an increment in front.
func usedAsValue(text string, start, end int) bool {
	if valueAfter().MatchString(text[end:]) {
		return true
	}
	before := strings.TrimRight(text[:start], " \t")
	return strings.HasSuffix(before, "~") || strings.HasSuffix(before, "++") || strings.HasSuffix(before, "--") ||
		strings.HasSuffix(before, "*") && !strings.HasSuffix(strings.TrimRight(strings.TrimSuffix(before, "*"), " \t"), ")")
}

// codeOf drops a line's comment and string literals, and returns "" for
// preprocessor lines and comment lines.
func codeOf(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "//") {
		return ""
	}
	if i := strings.Index(s, "//"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "/*"); i >= 0 {
		s = s[:i]
	}
	if !strings.Contains(s, `"`) {
		return s
	}
	return stringLit().ReplaceAllString(s, `""`)
}

var stringLit = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"(?:[^"\\]|\\.)*"`) })

// addressOnly reports whether the member access at byte i only computes an
// address or a size: under "&" or inside sizeof/typeof/offsetof.
func addressOnly(text string, i int) bool {
	before := strings.TrimRight(text[:i], " \t(")
	if strings.HasSuffix(before, "&") && !strings.HasSuffix(before, "&&") {
		return true
	}
	for _, kw := range []string{"sizeof", "typeof", "__typeof__", "offsetof", "__same_type", "typeof_member"} {
		if j := strings.LastIndex(text[:i], kw); j >= 0 {
			seg := text[j:i]
			if strings.Count(seg, "(") > strings.Count(seg, ")") {
				return true
			}
		}
	}
	return false
}

// kernelAddr matches an argument that is the address of a variable:
// "&name", "&name.field[i]".
var kernelAddr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^&\s*\(?\s*([A-Za-z_]\w*)\b`) })

// kernelAddrArgs is rule (b3): a call the patch adds that passes the
// address of a kernel variable where the callee takes a __user pointer.
func (r *review) kernelAddrArgs(ctx context.Context, k int, im *model.Image) []checks.Finding {
	if im.Patch() != k {
		return nil
	}
	var out []checks.Finding
	for _, c := range im.Unit().Calls {
		if !im.Changed(c.Line) {
			continue
		}
		for i, a := range c.Args {
			arg := strings.TrimSpace(a.Text)
			if a.Cast != nil || !strings.HasPrefix(arg, "&") {
				continue
			}
			mm := kernelAddr().FindStringSubmatch(arg)
			if mm == nil {
				continue
			}
			fn := im.Enclosing(c.InFunc, c.Line)
			ds := r.scopeDecls(ctx, k, im.File, fn, mm[1])
			if len(ds) == 0 || !allKernelObjects(ds) {
				continue
			}
			if !r.userParam(ctx, c.Func, i+1, k) {
				continue
			}
			out = append(out, checks.Finding{
				Check: ID, Severity: checks.SeverityWarning,
				File: im.File, Line: im.FileLine(c.Line), Symbol: fn + ":" + c.Func,
				Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): %s() expects a '__user' pointer but gets the kernel address '%s'",
					i+1, c.Func, a.Text),
				Explanation: fmt.Sprintf("Argument %d of %s() is a user-space pointer, but '%s' is the address of the kernel variable '%s' (%s). "+
					"The callee will treat kernel memory as user memory (and fail access_ok(), or worse); sparse reports \"different address spaces\".",
					i+1, c.Func, a.Text, mm[1], declText(ds[0].Type, mm[1])),
				Quote:      im.Quote(c.Line, c.Line),
				Suggestion: fmt.Sprintf("pass the user pointer, or use the kernel-memory variant of %s()", c.Func),
				MessageID:  r.m.PatchMessageID(k),
				Patch:      r.m.PatchNumber(k),
			})
		}
	}
	return out
}

// allKernelObjects reports whether every declaration is a kernel object
// (not a pointer): its address is kernel memory whatever it holds.
func allKernelObjects(ds []cfront.Decl) bool {
	for _, d := range ds {
		if d.Type.Pointer() > 0 || d.Type.User() || d.Kind == cfront.DeclMember {
			return false
		}
	}
	return true
}
