package testutil

import (
	"bufio"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BurstMark is the line a kill-test child prints after each committed operation.
const BurstMark = "obadge-kill-test: committed"

// KillMidBurst starts cmd (a kill-test child), waits for its first committed
// operation (at most 30 s, so a slow machine cannot make the test vacuous), lets it
// run for delay more and kills it with SIGKILL.
func KillMidBurst(t testing.TB, cmd *exec.Cmd, delay time.Duration) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), BurstMark) {
				once = true
				close(first)
			}
		}
		if !once {
			close(first)
		}
	}()
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("the child committed nothing in 30 s")
	}
	time.Sleep(delay)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}
