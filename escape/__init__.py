"""escape: a static escape analyzer for Go that says what `go build -gcflags=-m` says."""

__version__ = "0.1.0"
GO_VERSION = "go1.27.3"
