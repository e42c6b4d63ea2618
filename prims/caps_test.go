package prims

import "testing"

// Every declared capability names a primitive of the table, and the
// table carries it.
func TestCapabilitiesNamePrimitives(t *testing.T) {
	tab := map[string]string{}
	for _, p := range Table() {
		tab[p.Name] = p.Cap
	}
	for name, cap := range Capabilities {
		got, ok := tab[name]
		if !ok {
			t.Errorf("capability %q declared for %s, which is not a primitive", cap, name)
		} else if got != cap {
			t.Errorf("%s carries capability %q, declared %q", name, got, cap)
		}
	}
}
