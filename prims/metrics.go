package prims

import (
	"time"

	"batos/metrics"
	"batos/vm"
)

// Metrics from batos code: the composite mind counts its cycles and their
// durations; `metrics report` shows every counter.
var metricPrims = []vm.Primitive{
	p("_MetricAdd:Value:", "add a number to a counter of the process's metrics", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		name, ok := a[0].Str()
		n, ok2 := number(a[1])
		if !ok || !ok2 || name == "" {
			return vm.Value{}, badType
		}
		metrics.Default.Add(name, n)
		return r, nil
	}),
	p("_MetricObserve:Value:", "count one event of a measured size (name.count, name.sum)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		name, ok := a[0].Str()
		n, ok2 := number(a[1])
		if !ok || !ok2 || name == "" {
			return vm.Value{}, badType
		}
		metrics.Default.Observe(name, n)
		return r, nil
	}),
	p("_MetricReport:", "the counters of the last N hours, one per line", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if !a[0].IsInt() || a[0].Int() <= 0 {
			return vm.Value{}, badType
		}
		s, err := metrics.Default.Report(time.Duration(a[0].Int()) * time.Hour)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().String(s), nil
	}),
}

// number reads an integer or a float.
func number(v vm.Value) (float64, bool) {
	if v.IsInt() {
		return float64(v.Int()), true
	}
	if f, ok := v.Float(); ok {
		return f, true
	}
	return 0, false
}

// metricTotals answers the counters of the last n hours as a dictionary
// (name -> number), for the self-audit's rules.
var metricTotals = p("_MetricTotals:", "the counters of the last N hours, as a dictionary", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
	if !a[0].IsInt() || a[0].Int() <= 0 {
		return vm.Value{}, badType
	}
	m := metrics.Default
	ts, err := m.Totals(m.Store, m.Now().Add(-time.Duration(a[0].Int())*time.Hour))
	if err != nil {
		return vm.Value{}, vm.Failf("%v", err)
	}
	v := t.VM()
	proto, ok := v.FieldValue(v.Lobby, "dictionary")
	if !ok {
		return vm.Value{}, vm.Failf("no dictionary in the lobby")
	}
	d := t.Send(proto, "copyRemoveAll")
	for _, x := range ts {
		val := v.Float(x.Value)
		if x.Value == float64(int64(x.Value)) {
			val = vm.Int(int64(x.Value))
		}
		t.Send(d, "at:Put:", v.String(x.Name), val)
	}
	return d, nil
})

func init() { metricPrims = append(metricPrims, metricTotals) }
