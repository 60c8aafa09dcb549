// Package dovecot runs a throwaway Debian Dovecot 2.3 IMAP server for
// integration tests: one user, maildir storage, plaintext IMAP on a free
// 127.0.0.1 port, everything under tb.TempDir(). Tests skip when
// /usr/sbin/dovecot is absent (Debian package dovecot-imapd).
package dovecot

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/patchbot/patchbot/internal/imaptest"
)

// Binary is where Debian's dovecot-core installs the server.
const Binary = "/usr/sbin/dovecot"

// Test credentials.
const (
	User     = "bot"
	Password = "dovecot-test-password"
)

// nobody is the uid/gid mail is stored under when the tests run as root:
// Dovecot refuses to run mail processes as root.
const nobody = 65534

// Server is a running Dovecot.
type Server struct {
	// Addr is 127.0.0.1:port of the IMAP listener (plaintext, LOGIN
	// allowed).
	Addr string
	// User and Password log in.
	User, Password string
	// Maildir is the user's maildir root (INBOX); other mailboxes are
	// ".Name" directories in it.
	Maildir string

	tb      testing.TB
	dir     string
	conf    string
	runDir  string // base_dir, short for UNIX socket paths
	uid     int
	gid     int
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// Start writes a config into tb.TempDir(), starts Dovecot in the foreground
// and waits until it accepts connections. It is stopped in tb.Cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if _, err := os.Stat(Binary); err != nil {
		tb.Skipf("Dovecot not installed (%s: %v): install the Debian package dovecot-imapd to run this test", Binary, err)
	}
	dir := tb.TempDir()
	// base_dir holds UNIX sockets, whose paths must stay under 108 bytes:
	// test names make tb.TempDir() too long for that.
	runDir, err := os.MkdirTemp("", "dovecot-")
	if err != nil {
		tb.Fatalf("dovecot: %v", err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(runDir) })
	s := &Server{
		User:     User,
		Password: Password,
		Maildir:  filepath.Join(dir, "mail", User),
		tb:       tb,
		dir:      dir,
		conf:     filepath.Join(dir, "dovecot.conf"),
		runDir:   runDir,
	}
	if err := s.writeConfig(); err != nil {
		tb.Fatalf("dovecot: %v", err)
	}
	tb.Cleanup(func() {
		s.Stop()
		if tb.Failed() {
			if log, err := os.ReadFile(filepath.Join(s.dir, "dovecot.log")); err == nil {
				tb.Logf("dovecot.log:\n%s", log)
			}
		}
	})
	s.start()
	return s
}

// writeConfig writes dovecot.conf and the passwd-file, and prepares the
// directories with the right owners.
func (s *Server) writeConfig() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	var loginUser, internalUser, internalGroup, chroot string
	if os.Geteuid() == 0 {
		// Root: mail processes run as nobody; login and internal
		// services use the users the Debian package created.
		s.uid, s.gid = nobody, nobody
		loginUser, internalUser, internalGroup = "dovenull", "dovecot", "dovecot"
		for _, name := range []string{loginUser, internalUser} {
			if _, err := user.Lookup(name); err != nil {
				s.tb.Skipf("Dovecot's system user %q is missing (%v): the Debian package dovecot-core creates it", name, err)
			}
		}
		// nobody must reach the maildir through the temp directories,
		// which the testing package creates 0700.
		for _, d := range []string{s.dir, filepath.Dir(s.dir)} {
			if err := os.Chmod(d, 0o755); err != nil {
				return err
			}
		}
		for d := filepath.Dir(filepath.Dir(s.dir)); ; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err != nil || st.Mode().Perm()&0o001 == 0 {
				return fmt.Errorf("uid %d cannot reach %s through %s: run the tests with TMPDIR under /tmp", nobody, s.dir, d)
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	} else {
		// Unprivileged: everything runs as the current user, which
		// rules out chroot for the login and anvil services.
		u, err := user.Current()
		if err != nil {
			return err
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return err
		}
		s.uid, s.gid = os.Getuid(), os.Getgid()
		loginUser, internalUser, internalGroup = u.Username, u.Username, g.Name
		chroot = "  chroot =\n"
	}
	for _, d := range []string{"state"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(s.Maildir, 0o755); err != nil {
		return err
	}
	if err := s.chownMail(filepath.Join(s.dir, "mail")); err != nil {
		return err
	}
	passwd := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s::\n", s.User, s.Password, s.uid, s.gid, s.Maildir)
	if err := os.WriteFile(filepath.Join(s.dir, "passwd"), []byte(passwd), 0o644); err != nil {
		return err
	}
	conf := fmt.Sprintf(`# Throwaway test configuration written by internal/dovecot.
protocols = imap
listen = 127.0.0.1
base_dir = %[7]s
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 1
default_login_user = %[3]s
default_internal_user = %[4]s
default_internal_group = %[5]s
passdb {
  driver = passwd-file
  args = %[1]s/passwd
}
userdb {
  driver = passwd-file
  args = %[1]s/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
%[6]s}
service anvil {
%[6]s}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
`, s.dir, port, loginUser, internalUser, internalGroup, chroot, s.runDir)
	return os.WriteFile(s.conf, []byte(conf), 0o644)
}

// start launches the master process in its own process group (so that Kill
// takes its children with it) and waits for the listener.
func (s *Server) start() {
	s.tb.Helper()
	cmd := exec.Command(Binary, "-F", "-c", s.conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A file, not a buffer: with a pipe, Wait would also wait for every
	// child that inherited it, long after the master exited.
	outPath := filepath.Join(s.dir, "dovecot.out")
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatalf("dovecot: %v", err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.tb.Fatalf("dovecot: start %s: %v", Binary, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-s.exited:
			stdout, _ := os.ReadFile(outPath)
			log, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
			s.tb.Fatalf("dovecot exited at start (%v): %s\n%s", s.waitErr, stdout, log)
		default:
		}
		if time.Now().After(deadline) {
			s.Kill()
			s.tb.Fatalf("dovecot: not listening on %s after 10s", s.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop shuts Dovecot down gracefully (SIGTERM to the master, by PID) and
// waits for it, killing it after 10 seconds.
func (s *Server) Stop() {
	s.tb.Helper()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.tb.Errorf("dovecot: still running 10s after SIGTERM; killing it")
	}
	s.Kill()
}

// Kill ends Dovecot and all its processes at once with SIGKILL, as a crash
// would: clients see their connections reset.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// Restart starts Dovecot again after Stop or Kill, on the same port with
// the same mail.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Kill()
	s.start()
}

// Client returns a logged-in client for set-up and inspection.
func (s *Server) Client() *imapclient.Client {
	s.tb.Helper()
	return imaptest.Login(s.tb, s.Addr, s.User, s.Password, imaptest.Plain, nil)
}

// Append appends raw to mailbox through IMAP with the given internal date
// (now when zero) and returns its UID.
func (s *Server) Append(mailbox string, raw []byte, date time.Time) uint32 {
	s.tb.Helper()
	return imaptest.Append(s.tb, s.Client(), mailbox, raw, date)
}

// DeliverFile drops raw into mailbox's maildir new/ directory, the way a
// local delivery agent does; it works while Dovecot is down.
func (s *Server) DeliverFile(mailbox string, raw []byte) {
	s.tb.Helper()
	dir := s.mailboxDir(mailbox)
	name := fmt.Sprintf("%d.P%dQ%d.patchbot-test", time.Now().Unix(), os.Getpid(), time.Now().UnixNano())
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		s.tb.Fatalf("dovecot: deliver file: %v", err)
	}
	if err := os.Chown(tmp, s.uid, s.gid); err != nil {
		s.tb.Fatalf("dovecot: deliver file: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		s.tb.Fatalf("dovecot: deliver file: %v", err)
	}
}

// ChangeUIDValidity makes Dovecot renumber mailbox, as after a restore or
// a migration: it drops the mailbox's UID list and indexes and kicks the
// user's sessions, so that the next SELECT assigns a new UIDVALIDITY and
// UIDs from 1. It fails the test unless the UIDVALIDITY really changed, and
// returns the new one.
func (s *Server) ChangeUIDValidity(mailbox string) uint32 {
	s.tb.Helper()
	before := imaptest.UIDValidity(s.tb, s.Client(), mailbox)
	s.kick()
	dir := s.mailboxDir(mailbox)
	matches, err := filepath.Glob(filepath.Join(dir, "dovecot.index*"))
	if err != nil {
		s.tb.Fatalf("dovecot: %v", err)
	}
	for _, f := range append(matches, filepath.Join(dir, "dovecot-uidlist")) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.tb.Fatalf("dovecot: change UIDVALIDITY: %v", err)
		}
	}
	// A session that raced the first kick may still hold the old list.
	s.kick()
	// While another client (the code under test, reconnecting) rebuilds
	// the index, STATUS can briefly report UIDVALIDITY 0: ask again.
	var after uint32
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		after = imaptest.UIDValidity(s.tb, s.Client(), mailbox)
		if after != 0 && after != before {
			return after
		}
	}
	s.tb.Fatalf("dovecot: UIDVALIDITY of %s did not change (before %d, now %d)", mailbox, before, after)
	return 0
}

// Recreate makes mailbox as if it had been deleted and created again while
// no client looked: its mail is gone, raws are delivered into it, and it
// has a new UIDVALIDITY (see ChangeUIDValidity), which it returns.
func (s *Server) Recreate(mailbox string, raws ...[]byte) uint32 {
	s.tb.Helper()
	s.kick()
	dir := s.mailboxDir(mailbox)
	for _, sub := range []string{"cur", "new"} {
		files, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			s.tb.Fatalf("dovecot: recreate: %v", err)
		}
		for _, f := range files {
			if err := os.Remove(filepath.Join(dir, sub, f.Name())); err != nil {
				s.tb.Fatalf("dovecot: recreate: %v", err)
			}
		}
	}
	for _, raw := range raws {
		s.DeliverFile(mailbox, raw)
	}
	return s.ChangeUIDValidity(mailbox)
}

// kick disconnects every session of the user (doveadm kick).
func (s *Server) kick() {
	s.tb.Helper()
	out, err := exec.Command("doveadm", "-c", s.conf, "kick", s.User).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "no users") {
		s.tb.Fatalf("dovecot: doveadm kick: %v: %s", err, out)
	}
}

// mailboxDir is the maildir directory of mailbox (Maildir++ layout).
func (s *Server) mailboxDir(mailbox string) string {
	if strings.EqualFold(mailbox, "INBOX") {
		return s.Maildir
	}
	return filepath.Join(s.Maildir, "."+mailbox)
}

// chownMail gives the mail tree to the mail user (a no-op when it is us).
func (s *Server) chownMail(root string) error {
	if s.uid == os.Getuid() {
		return nil
	}
	return filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, s.uid, s.gid)
	})
}

// freePort asks the kernel for a free 127.0.0.1 port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
