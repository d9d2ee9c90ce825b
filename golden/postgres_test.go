package golden

import (
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// postgresBinDirs are where Debian's postgresql package puts the server.
var postgresBinDirs = []string{"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"}

// postgresBin returns the directory holding initdb and postgres. Without
// them the test is skipped, except under CI, where .ci/run installs them.
func postgresBin(t *testing.T) string {
	t.Helper()
	for _, d := range postgresBinDirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	if os.Getenv("CI") != "" {
		t.Fatal("PostgreSQL's server binaries are not installed; .ci/run installs them (apt-get install -y postgresql)")
	}
	t.Skip("needs PostgreSQL's server: apt-get install -y postgresql (initdb and postgres in /usr/lib/postgresql/15/bin), then go test ./golden -run Postgres")
	return ""
}

// postgresServer is a PostgreSQL cluster a test made in a temporary
// directory, listening on 127.0.0.1 only, trusting local connections.
type postgresServer struct {
	bin, dir, addr string
	cmd            *exec.Cmd
	done           chan error
	logs           *strings.Builder
	asUser         []string // runuser prefix when running as root
}

// startPostgres creates a cluster and starts it on a free port. As root,
// the server runs as the unprivileged user postgres (it refuses root).
func startPostgres(t *testing.T) *postgresServer {
	t.Helper()
	p := &postgresServer{bin: postgresBin(t), addr: freeAddr(t)}
	dir, err := os.MkdirTemp("", "securegen-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	p.dir = dir
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal("running as root needs the user postgres (created by the postgresql package) to run the server")
		}
		if out, err := exec.Command("chown", pg.Uid+":"+pg.Gid, dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v %s", dir, err, out)
		}
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	initdb := p.command(filepath.Join(p.bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.start(t)
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *postgresServer) command(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, p.asUser...), name), args...)
	return exec.Command(argv[0], argv[1:]...)
}

// url returns the URL of database db on this server.
func (p *postgresServer) url(db string) string {
	return "postgres://postgres@" + p.addr + "/" + db + "?sslmode=disable"
}

func (p *postgresServer) start(t *testing.T) {
	t.Helper()
	_, port, _ := net.SplitHostPort(p.addr)
	p.cmd = p.command(filepath.Join(p.bin, "postgres"), "-D", filepath.Join(p.dir, "data"),
		"-c", "listen_addresses=127.0.0.1", "-p", port, "-k", p.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	p.logs = &strings.Builder{}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan error, 1)
	go func() { p.done <- p.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", p.addr, 100*time.Millisecond); err == nil {
			c.Close()
			if p.psql("postgres", "SELECT 1") == nil {
				return
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("postgres exited: %v\n%s", err, p.logs)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("postgres not answering on %s after 30s\n%s", p.addr, p.logs)
		}
	}
}

// stop shuts the server down fast (SIGINT) and waits for it.
func (p *postgresServer) stop(t *testing.T) {
	t.Helper()
	if p.cmd == nil {
		return
	}
	// The postmaster, not runuser, takes the signal: SIGINT is a fast
	// shutdown, which ends the open connections.
	proc := p.cmd.Process
	if b, err := os.ReadFile(filepath.Join(p.dir, "data", "postmaster.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0]); err == nil {
			if pp, err := os.FindProcess(pid); err == nil {
				proc = pp
			}
		}
	}
	_ = proc.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = proc.Kill()
		_ = p.cmd.Process.Kill()
		t.Errorf("postgres did not stop within 30s")
	}
	p.cmd = nil
}

// psql runs one SQL command on database db through the psql client, if
// there is one, or checks the port.
func (p *postgresServer) psql(db, sql string) error {
	host, port, _ := net.SplitHostPort(p.addr)
	psql := filepath.Join(p.bin, "psql")
	if _, err := os.Stat(psql); err != nil {
		psql = "psql"
	}
	out, err := exec.Command(psql, "-h", host, "-p", port, "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql).CombinedOutput()
	if err != nil {
		return &exec.ExitError{Stderr: out}
	}
	return nil
}

// createDatabase creates database name.
func (p *postgresServer) createDatabase(t *testing.T, name string) {
	t.Helper()
	if err := p.psql("postgres", "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE %s: %v %s", name, err, err.(*exec.ExitError).Stderr)
	}
}
