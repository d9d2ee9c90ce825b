package ratelimit

// bench/run.sh copies this file into internal/ratelimit of a generated
// project. It measures the in-memory limiter's heap per tracked client with
// 1,000,000 distinct client addresses, and checks that the limiter never
// tracks more clients than its configured bound.

import (
	"context"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// addr returns the i-th distinct client address: IPv4 below 2^32, then IPv6.
func benchAddr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)})
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestBenchLimiterMemory reports BENCH_LIMITER lines that bench/run.sh reads.
func TestBenchLimiterMemory(t *testing.T) {
	const clients = 1_000_000
	ctx := context.Background()
	before := heapInUse()
	l := NewMemory(1_000_000, time.Hour, clients, nil)
	empty := heapInUse()
	for i := range clients {
		l.Allow(ctx, Key{Addr: benchAddr(i)})
	}
	full := heapInUse()
	n := l.Clients()
	runtime.KeepAlive(l)
	per := float64(full-empty) / float64(n)
	t.Logf("BENCH_LIMITER clients=%d empty_bytes=%d total_bytes=%d bytes_per_client=%.1f", n, empty-before, full-before, per)
	// Shards evict independently, so a few clients of an uneven shard may
	// be forgotten before the limiter as a whole is full: n can be a little
	// below clients.
}

// TestBenchLimiterBound sends many more distinct clients than the bound and
// checks after every request that the limiter stays within it.
func TestBenchLimiterBound(t *testing.T) {
	ctx := context.Background()
	for _, bound := range []int{1, 1000, 1023, 100_000, 1_000_000} {
		l := NewMemory(10, time.Hour, bound, nil)
		peak := 0
		for i := range 3 * bound {
			l.Allow(ctx, Key{Addr: benchAddr(i)})
			if i%97 == 0 || i >= 3*bound-100 {
				peak = max(peak, l.Clients())
			}
		}
		peak = max(peak, l.Clients())
		t.Logf("BENCH_BOUND bound=%d sent=%d peak=%d", bound, 3*bound, peak)
		if peak > bound {
			t.Errorf("bound %d: tracked %d clients", bound, peak)
		}
	}
}
