package main

type point struct{ x, y int }

var sink any

// newPoint returns a pointer to a local: the local moves to the heap.
func newPoint(x, y int) *point {
	p := point{x, y}
	return &p
}

// sum only reads through its parameter: it does not escape.
func sum(ps []*point) int {
	t := 0
	for _, p := range ps {
		t += p.x + p.y
	}
	return t
}

// keep stores its argument in a global: it leaks.
func keep(p *point) { sink = p }

func main() {
	a := newPoint(1, 2)
	b := &point{3, 4}
	println(sum([]*point{a, b}))
	keep(a)
	msg := "total"
	sink = msg + "!"
}
