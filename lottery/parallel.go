package lottery

import (
	"runtime"
	"sync"
)

// minChunk is the least work (entries) worth handing to another goroutine.
const minChunk = 2048

// workerCount is how many goroutines to use for n items: at most
// GOMAXPROCS, and none that would get less than minChunk items.
func workerCount(n int) int {
	return max(min(runtime.GOMAXPROCS(0), n/minChunk), 1)
}

// parallel calls fn over [0,n) split into workers contiguous chunks, one
// goroutine each. Chunks write disjoint parts of shared arrays, so the
// result never depends on how the work was split.
func parallel(n, workers int, fn func(worker, lo, hi int)) {
	if workers <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(w, lo, hi) })
	}
	wg.Wait()
}
