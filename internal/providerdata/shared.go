package providerdata

// Shared returns the value kept under key by this configured provider (one
// provider process), made by create the first time; concurrent first
// callers may each run create, and all get the one value stored. For what
// the resources of one plan or apply share: an answer about the server
// worth asking once, or what the plan declares across resources. The value
// must be safe for concurrent use.
func (d *Data) Shared(key string, create func() any) any {
	if v, ok := d.shared.Load(key); ok {
		return v
	}
	v, _ := d.shared.LoadOrStore(key, create())
	return v
}
