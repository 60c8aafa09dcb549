package tree

import "strings"

// kernelDirs are the top-level directories of the kernel tree whose C is
// kernel code.
var kernelDirs = map[string]bool{
	"arch": true, "block": true, "certs": true, "crypto": true, "drivers": true, "fs": true,
	"include": true, "init": true, "io_uring": true, "ipc": true, "kernel": true, "lib": true,
	"mm": true, "net": true, "rust": true, "security": true, "sound": true, "virt": true,
}

// KernelPath reports whether a path of a kernel tree holds kernel C the
// index may answer with: it lies in a kernel directory (not tools/,
// samples/, usr/, scripts/, Documentation/) and not under selftests. A
// directory is given with a trailing "/".
func KernelPath(rel string) bool {
	top, _, _ := strings.Cut(rel, "/")
	return kernelDirs[top] && !strings.Contains(rel, "/selftests/")
}
