package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/report"
)

// A kernel-like tree for the threading tests: struct proto with its ioctl
// callback and two protocols implementing it.
var conversionTree = map[string]string{
	"Kbuild":                 "obj-y += net/\n",
	"MAINTAINERS":            "NETWORKING\nM:\tAda Lovelace <ada@example.org>\nF:\tnet/\n",
	"include/linux/kernel.h": "#ifndef _LINUX_KERNEL_H\n#define _LINUX_KERNEL_H\n#endif\n",
	"include/net/sock.h": `#ifndef _SOCK_H
#define _SOCK_H

struct sock;

struct proto {
	void			(*close)(struct sock *sk, long timeout);
	int			(*ioctl)(struct sock *sk, int cmd,
					 unsigned long arg);
	int			(*init)(struct sock *sk);
};

#endif
`,
	"net/ipv4/udp.c": `#include <linux/kernel.h>
#include <net/sock.h>

static void udp_close(struct sock *sk, long timeout)
{
}

int udp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ:
		return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto udp_prot = {
	.close		= udp_close,
	.ioctl		= udp_ioctl,
};
`,
	"net/ipv4/raw.c": `#include <linux/kernel.h>
#include <net/sock.h>

static int raw_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ:
		return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto raw_prot = {
	.ioctl		= raw_ioctl,
};
`,
}

// The two patches: the member is retyped, then implementers converted.
var (
	retypeMember = scratchEdit{"include/net/sock.h", "int\t\t\t(*ioctl)(struct sock *sk, int cmd,\n\t\t\t\t\t unsigned long arg);",
		"int\t\t\t(*ioctl)(struct sock *sk, int cmd,\n\t\t\t\t\t int *karg);"}
	convertUDP = []scratchEdit{
		{"net/ipv4/udp.c", "int udp_ioctl(struct sock *sk, int cmd, unsigned long arg)", "int udp_ioctl(struct sock *sk, int cmd, int *karg)"},
		{"net/ipv4/udp.c", "return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);", "*karg = sk_wmem_alloc_get(sk);\n\t\treturn 0;"},
	}
	convertRaw = []scratchEdit{
		{"net/ipv4/raw.c", "static int raw_ioctl(struct sock *sk, int cmd, unsigned long arg)", "static int raw_ioctl(struct sock *sk, int cmd, int *karg)"},
		{"net/ipv4/raw.c", "return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);", "*karg = sk_wmem_alloc_get(sk);\n\t\treturn 0;"},
	}
)

// conversionRepo makes the tree's repository with one branch per series:
// "full" converts every implementer, "udp" leaves raw_ioctl behind.
func conversionRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := filepath.Join(t.TempDir(), "linux")
	for name, body := range conversionTree {
		writeFile(t, filepath.Join(dir, name), body)
	}
	git(t, dir, "init", "-q", "-b", "master")
	git(t, dir, "config", "user.name", "Ada Lovelace")
	git(t, dir, "config", "user.email", "ada@example.org")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "net: base")
	for _, br := range []string{"full", "udp"} {
		git(t, dir, "checkout", "-q", "-b", br, "master")
		commitEdits(t, dir, scratchCommit{"net: proto ioctl callbacks take kernel memory", []scratchEdit{retypeMember}})
		if br == "full" {
			commitEdits(t, dir, scratchCommit{"net: udp, raw: use the kernel-memory ioctl", append(slices.Clone(convertUDP), convertRaw...)})
		} else {
			commitEdits(t, dir, scratchCommit{"net: udp: use the kernel-memory ioctl", convertUDP})
		}
	}
	git(t, dir, "checkout", "-q", "master")
	return dir
}

// sendEmailIDs gives the mails of a format-patch --stdout mbox the
// Message-IDs git send-email --no-thread would (<stem-k-user@host>), the
// same Date, and no threading: what a list archive then holds.
func sendEmailIDs(mbox, stem, user, date string) string {
	parts := regexp.MustCompile(`(?m)^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\n`).Split(mbox, -1)
	var b strings.Builder
	k := 0
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		k++
		p = regexp.MustCompile(`(?m)^Date: .*$`).ReplaceAllString(p, "Date: "+date)
		fmt.Fprintf(&b, "From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-Id: <%s-%d-%s>\n%s", stem, k, user, p)
		if !strings.HasSuffix(p, "\n") {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestOneSeriesHoweverThreaded checks one series in every form authors and
// maintainers pass it on in — format-patch with and without --thread, the
// files one by one, --git RANGE, an unthreaded list mbox, b4 am's output —
// with and without the tree: each is one complete series with its cover
// (b4 am drops covers), and the findings are the same.
func TestOneSeriesHoweverThreaded(t *testing.T) {
	repo := conversionRepo(t)
	type finding struct{ check, file, symbol string }
	for _, tc := range []struct {
		branch string
		// what the series leaves undone, seen only with the tree
		withTree []finding
	}{
		{"full", nil},
		{"udp", []finding{{"unconverted-implementer", "net/ipv4/raw.c", "raw_ioctl"}}},
	} {
		t.Run(tc.branch, func(t *testing.T) {
			rng := "master.." + tc.branch
			tmp := t.TempDir()
			threaded := filepath.Join(tmp, "threaded")
			plain := filepath.Join(tmp, "plain")
			git(t, repo, "format-patch", "-q", "--thread", "--cover-letter", "-o", threaded, rng)
			git(t, repo, "format-patch", "-q", "--cover-letter", "-o", plain, rng)
			plainFiles, _ := filepath.Glob(filepath.Join(plain, "*.patch"))
			list := filepath.Join(tmp, "list.mbox")
			writeFile(t, list, sendEmailIDs(git(t, repo, "format-patch", "--stdout", "--cover-letter", rng),
				"20261201100000.4242", "ada@example.org", "Tue, 1 Dec 2026 10:00:00 +0000"))
			// The threaded posting as lore holds it, for b4 am to read.
			lore := filepath.Join(tmp, "lore.mbox")
			writeFile(t, lore, regexp.MustCompile(`(?m)^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$`).
				ReplaceAllString(git(t, repo, "format-patch", "--stdout", "--thread", "--cover-letter", rng), "From mboxrd@z Thu Jan  1 00:00:00 1970"))
			coverID := regexp.MustCompile(`(?mi)^Message-Id: <(cover\.[^>]+)>`).FindStringSubmatch(mustRead(t, lore))
			if coverID == nil {
				t.Fatalf("no cover letter Message-ID in format-patch --thread output")
			}

			type form struct {
				name  string
				args  []string
				stdin string
				cover bool
			}
			forms := []form{
				{"format-patch --thread", []string{threaded}, "", true},
				{"format-patch without --thread", []string{plain}, "", true},
				{"the files one by one", plainFiles, "", true},
				{"--git RANGE", []string{"--git", rng}, "", false},
				{"an unthreaded list mbox", []string{list}, "", true},
				{"the unthreaded mbox on stdin", []string{"-"}, mustRead(t, list), true},
			}
			if b4, err := exec.LookPath("b4"); err == nil {
				// b4 writes the series as am-ready mail without threading
				// headers and without the cover letter.
				cmd := exec.Command(b4, "am", "-m", lore, "-o", "-", coverID[1])
				cmd.Env = append(os.Environ(), "HOME="+tmp, "XDG_CACHE_HOME="+tmp)
				cmd.Dir = repo // b4 0.12 fails outside a git repository
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("b4 am: %v\n%s", err, stderr.String())
				}
				forms = append(forms, form{"b4 am -o - | check -", []string{"-"}, string(out), false})
			} else {
				t.Log("b4 not on PATH (Debian package b4): the b4 am form is not tried")
			}
			t.Chdir(repo) // --git reads the repository of the current directory
			for _, f := range forms {
				for _, tree := range []bool{false, true} {
					name := f.name
					args := append([]string{"check", "--format", "json"}, f.args...)
					want := []finding{}
					if tree {
						name += " with --tree"
						args = append(args, "--tree", repo)
						want = append(want, tc.withTree...)
					}
					t.Run(name, func(t *testing.T) {
						_, out, errOut := runCLI(t, f.stdin, args...)
						var rep report.JSONReport
						if err := json.Unmarshal([]byte(out), &rep); err != nil {
							t.Fatalf("not JSON: %v\n%s\n%s", err, out, errOut)
						}
						if len(rep.Series) != 1 {
							var titles []string
							for _, s := range rep.Series {
								titles = append(titles, fmt.Sprintf("%q %d/%d", s.Title, len(s.Patches), len(s.Patches)+len(s.Missing)))
							}
							t.Fatalf("%d series, want 1: %s\n%s", len(rep.Series), strings.Join(titles, ", "), errOut)
						}
						s := rep.Series[0]
						// A series is named after its cover letter: git's
						// placeholder subject says the cover was kept.
						hasCover := s.Title == "*** SUBJECT HERE ***"
						if !s.Complete || len(s.Patches) != 2 || hasCover != f.cover {
							t.Errorf("series %q: complete %v, %d patches, want complete, 2 patches, cover %v", s.Title, s.Complete, len(s.Patches), f.cover)
						}
						got := []finding{}
						for _, fd := range s.Findings {
							got = append(got, finding{fd.Check, fd.File, fd.Symbol})
						}
						if !slices.Equal(got, want) {
							t.Errorf("findings %v, want %v\n%s", got, want, errOut)
						}
					})
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
