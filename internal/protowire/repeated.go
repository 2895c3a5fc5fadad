package protowire

// Repeated scalars: Kubernetes writes them unpacked, one field per item;
// packed input (one length-delimited field of varints) is read too.

// packed calls item for each varint of a packed field, or once for an
// unpacked one.
func (d *Decoder) packed(item func(uint64)) {
	if d.wire != WireBytes {
		item(d.Uvarint())
		return
	}
	n, ok := d.length()
	if !ok {
		return
	}
	end := d.pos + n
	outer := d.end
	d.end = end
	for d.pos < end && d.err == nil {
		item(d.varint())
	}
	d.end = outer
}

// Int32s appends an int32 field, packed or not, to s.
func (d *Decoder) Int32s(s []int32) []int32 {
	d.packed(func(v uint64) { s = append(s, int32(v)) })
	return s
}

// Int64s appends an int64 field, packed or not, to s.
func (d *Decoder) Int64s(s []int64) []int64 {
	d.packed(func(v uint64) { s = append(s, int64(v)) })
	return s
}

// Bools appends a bool field, packed or not, to s.
func (d *Decoder) Bools(s []bool) []bool {
	d.packed(func(v uint64) { s = append(s, v != 0) })
	return s
}
