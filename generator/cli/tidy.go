package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// goModTidy runs `go mod tidy` in dir, showing progress on stderr: a spinner
// on a terminal, a start and an end line otherwise.
func goModTidy(dir string, sys *IO) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	msg := "running go mod tidy in " + dir
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if sys.Color {
		frames := `|/-\`
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
	loop:
		for i := 0; ; i++ {
			select {
			case err = <-done:
				break loop
			case <-tick.C:
				fmt.Fprintf(sys.Err, "\r%c %s (%ds)", frames[i%4], msg, int(time.Since(start).Seconds()))
			}
		}
		fmt.Fprint(sys.Err, "\r\033[K")
	} else {
		fmt.Fprintf(sys.Err, "securegen: %s ...\n", msg)
		err = <-done
	}
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintf(sys.Err, "securegen: go mod tidy done in %.1fs\n", time.Since(start).Seconds())
	return nil
}
