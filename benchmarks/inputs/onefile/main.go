// Command inventory is the one-file benchmark input: a small, ordinary program
// with structs, methods, slices, maps, closures, interfaces and fmt calls.
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

type Item struct {
	SKU   string
	Name  string
	Qty   int
	Price float64
	Tags  []string
}

func (it *Item) Total() float64 { return float64(it.Qty) * it.Price }

func (it Item) String() string {
	return fmt.Sprintf("%-8s %-20s %4d x %8.2f", it.SKU, it.Name, it.Qty, it.Price)
}

type Inventory struct {
	items map[string]*Item
	order []string
}

func NewInventory() *Inventory {
	return &Inventory{items: make(map[string]*Item)}
}

var ErrUnknown = errors.New("unknown SKU")

func (inv *Inventory) Add(sku, name string, qty int, price float64, tags ...string) {
	if it, ok := inv.items[sku]; ok {
		it.Qty += qty
		return
	}
	inv.items[sku] = &Item{SKU: sku, Name: name, Qty: qty, Price: price, Tags: tags}
	inv.order = append(inv.order, sku)
}

func (inv *Inventory) Remove(sku string, qty int) error {
	it, ok := inv.items[sku]
	if !ok {
		return fmt.Errorf("remove %q: %w", sku, ErrUnknown)
	}
	if qty > it.Qty {
		return fmt.Errorf("remove %q: only %d left", sku, it.Qty)
	}
	it.Qty -= qty
	return nil
}

func (inv *Inventory) Filter(keep func(*Item) bool) []*Item {
	var out []*Item
	for _, sku := range inv.order {
		if it := inv.items[sku]; keep(it) {
			out = append(out, it)
		}
	}
	return out
}

type Reporter interface {
	Report(items []*Item) string
}

type textReporter struct{ title string }

func (r textReporter) Report(items []*Item) string {
	var b strings.Builder
	b.WriteString(r.title + "\n")
	sum := 0.0
	for _, it := range items {
		fmt.Fprintln(&b, it.String())
		sum += it.Total()
	}
	fmt.Fprintf(&b, "total value: %.2f\n", sum)
	return b.String()
}

func byTag(tag string) func(*Item) bool {
	return func(it *Item) bool {
		for _, t := range it.Tags {
			if t == tag {
				return true
			}
		}
		return false
	}
}

func main() {
	inv := NewInventory()
	inv.Add("A-100", "widget", 12, 2.50, "small", "metal")
	inv.Add("B-200", "gadget", 3, 19.99, "large")
	inv.Add("C-300", "gizmo", 40, 0.75, "small", "plastic")
	inv.Add("A-100", "widget", 8, 2.50)
	if err := inv.Remove("Z-999", 1); errors.Is(err, ErrUnknown) {
		fmt.Fprintln(os.Stderr, "warning:", err)
	}
	small := inv.Filter(byTag("small"))
	sort.Slice(small, func(i, j int) bool { return small[i].Total() > small[j].Total() })
	var r Reporter = textReporter{title: "small items"}
	fmt.Print(r.Report(small))
	counts := map[string]int{}
	for _, sku := range inv.order {
		for _, t := range inv.items[sku].Tags {
			counts[t]++
		}
	}
	fmt.Println(len(counts), "tags")
}
