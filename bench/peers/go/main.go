// A Go net/http equivalent of the backend, kept as a benchmark peer only (standard library, no modules).
// Contract (the same as the C++ server's): PORT unset or 0 -> OS-assigned port on 127.0.0.1,
// prints `BACKEND_PORT:<port>` on stdout once listening, GET /health -> {status, app, timestamp, uptime}.
// The app name comes from packages/shared/app.json: the bench passes it at link time with
// -ldflags "-X main.appName=<name>", as the C++ build bakes it in at configure time.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

var appName = ""

type health struct {
	Status    string  `json:"status"`
	App       string  `json:"app"`
	Timestamp int64   `json:"timestamp"`
	Uptime    float64 `json:"uptime"`
}

func main() {
	if appName == "" {
		fmt.Fprintln(os.Stderr, "appName not set at link time (-ldflags -X main.appName=...)")
		os.Exit(2)
	}
	started := time.Now()
	port := os.Getenv("PORT")
	if port == "" {
		port = "0"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(health{"ok", appName, time.Now().UnixMilli(), time.Since(started).Seconds()})
	})
	fmt.Printf("BACKEND_PORT:%d\n", ln.Addr().(*net.TCPAddr).Port)
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
