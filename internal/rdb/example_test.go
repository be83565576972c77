package rdb_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/embedis/embedis/internal/rdb"
)

// A DUMP payload from redis-server 7.0 (DUMP of a list) decodes to its
// elements; encoding them again gives the same bytes.
func ExampleDecodePayload() {
	payload := []byte("\x12\x01\x02\x11\x11\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x01\x01\x02\x01\xff\n\x00mrq>\x9bCH+")
	v, err := rdb.DecodePayload(payload)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Kind, v.List)
	e := rdb.Encoder{Compress: true}
	again := rdb.AppendPayloadTrailer(e.AppendList([]byte{rdb.TypeListQuicklist2}, v.List))
	fmt.Println(bytes.Equal(again, payload))
	// Output:
	// list [a b 1 2]
	// true
}

// A file: header, AUX fields, a database, keys, then Close; the Reader
// gives the keys back.
func ExampleWriter() {
	var file bytes.Buffer
	w := rdb.NewWriter(&file)
	w.Header()
	w.AuxRedis(1700000000, 1<<20)
	w.SelectDB(0)
	w.ResizeDB(2, 1)
	w.String("greeting", 4102444800000, "hello")
	var e rdb.Encoder
	w.Entry("scores", -1, rdb.TypeZSetListpack, e.AppendZSetListpack(nil, []rdb.ZMember{{"ann", 1.5}, {"bob", 2}}))
	if err := w.Close(); err != nil {
		panic(err)
	}

	r, err := rdb.NewReader(&file)
	if err != nil {
		panic(err)
	}
	for {
		var en rdb.Entry
		err := r.Next(&en)
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		fmt.Println(en.DB, en.Key, en.ExpireMs, en.Value.Kind, en.Value.Str, en.Value.ZSet)
	}
	fmt.Println(r.Aux()["redis-ver"])
	// Output:
	// 0 greeting 4102444800000 string hello []
	// 0 scores -1 zset  [{ann 1.5} {bob 2}]
	// 7.0.15
}
