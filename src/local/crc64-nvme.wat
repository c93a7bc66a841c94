;; CRC-64/NVME, the checksum behind S3's `x-amz-checksum-crc64nvme`: reflected polynomial
;; 0x9a6c9329ac4bc9b5, register initialised to all ones and inverted at the end (the caller
;; does both: `update` takes and returns the register as it stands).
;;
;; In WebAssembly because it has native 64-bit integers: JavaScript must split the register
;; into two 32-bit halves, which hashed about three times slower. CRC64NVME is putplan's
;; default checksum, so this loop runs over every byte planned.
;;
;; Slice-by-16: table k gives a byte's CRC after k further zero bytes, so one step folds
;; sixteen input bytes into the register with sixteen independent lookups instead of sixteen
;; dependent ones. Against slice-by-8 (eight bytes a step, eight tables) it hashed about
;; 1.5x faster in Node 20 (bench/README.md, eleventh round): half the loop's bookkeeping and
;; register dependencies per byte, while the 32 KiB of tables still fit the L1 cache.
;;
;; Memory: the sixteen tables of 256 u64 (2 KiB each) from offset 0, then the chunk to hash
;; from `input` on. The caller grows the memory to fit its chunk. Built by
;; scripts/compile-wasm.mjs.
(module
  (memory (export "memory") 1)

  ;; Where the caller copies the bytes to hash: right after the tables.
  (global (export "input") i32 (i32.const 32768))

  ;; The tables are built when the module is instantiated, so an instance is ready at once.
  (start $build_tables)

  (func $build_tables
    (local $i i32) (local $bit i32) (local $c i64) (local $at i32)
    ;; Table 0, from the definition: each byte shifted out one bit at a time.
    (loop $each_byte
      (local.set $c (i64.extend_i32_u (local.get $i)))
      (local.set $bit (i32.const 8))
      (loop $each_bit
        (local.set $c
          (select
            (i64.xor (i64.shr_u (local.get $c) (i64.const 1)) (i64.const 0x9a6c9329ac4bc9b5))
            (i64.shr_u (local.get $c) (i64.const 1))
            (i32.wrap_i64 (i64.and (local.get $c) (i64.const 1)))))
        (br_if $each_bit (local.tee $bit (i32.sub (local.get $bit) (i32.const 1)))))
      (i64.store (i32.shl (local.get $i) (i32.const 3)) (local.get $c))
      (br_if $each_byte (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 256))))
    ;; Tables 1 to 15, as one run of entries from byte offset 2048: each entry advances the one
    ;; 2048 bytes before it (same index, previous table) by one zero byte.
    (local.set $at (i32.const 2048))
    (loop $each_entry
      (local.set $c (i64.load (i32.sub (local.get $at) (i32.const 2048))))
      (i64.store (local.get $at)
        (i64.xor
          (i64.shr_u (local.get $c) (i64.const 8))
          (call $entry (i32.const 0) (local.get $c))))
      (br_if $each_entry (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 8))) (i32.const 32768)))))

  ;; The entry for the low byte of $value in the table at byte offset $table.
  (func $entry (param $table i32) (param $value i64) (result i64)
    (i64.load
      (i32.add
        (local.get $table)
        (i32.shl (i32.wrap_i64 (i64.and (local.get $value) (i64.const 0xff))) (i32.const 3)))))

  ;; Folds the $len bytes at $ptr into the register $crc and returns the new register.
  (func (export "update") (param $ptr i32) (param $len i32) (param $crc i64) (result i64)
    (local $end16 i32) (local $end8 i32) (local $end i32) (local $high i64) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $end16 (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -16))))
    (local.set $end8 (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -8))))

    ;; Sixteen bytes at a time. The loads are little-endian, so the register's low byte is the
    ;; first input byte, the one with the most bytes after it: byte k of the first eight (the
    ;; register xored with them) goes through table 15 - k, byte k of the next eight ($high)
    ;; through table 7 - k. Each lookup loads the table's offset + 8 * byte; the bytes are
    ;; taken from the four 32-bit quarters $a to $d, one shift and one mask each (a top byte
    ;; needs no mask), which hashed about 8% faster than 64-bit shifts and a wrap per byte.
    ;; The lookups are spelled out rather than calls of $entry: Node 20's engine does not
    ;; inline calls between WebAssembly functions, and a call per lookup hashed three times
    ;; slower. They are xored as a balanced tree, not one after another, so that the step's
    ;; chain of dependent instructions is four xors long instead of fifteen.
    (block $pairs_done
      (loop $each_pair
        (br_if $pairs_done (i32.ge_u (local.get $ptr) (local.get $end16)))
        (local.set $crc (i64.xor (local.get $crc) (i64.load (local.get $ptr))))
        (local.set $high (i64.load offset=8 (local.get $ptr)))
        (local.set $a (i32.wrap_i64 (local.get $crc)))
        (local.set $b (i32.wrap_i64 (i64.shr_u (local.get $crc) (i64.const 32))))
        (local.set $c (i32.wrap_i64 (local.get $high)))
        (local.set $d (i32.wrap_i64 (i64.shr_u (local.get $high) (i64.const 32))))
        (i64.load offset=30720 (i32.and (i32.shl (local.get $a) (i32.const 3)) (i32.const 2040)))
        (i64.load offset=28672 (i32.and (i32.shr_u (local.get $a) (i32.const 5)) (i32.const 2040)))
        i64.xor
        (i64.load offset=26624 (i32.and (i32.shr_u (local.get $a) (i32.const 13)) (i32.const 2040)))
        (i64.load offset=24576 (i32.shl (i32.shr_u (local.get $a) (i32.const 24)) (i32.const 3)))
        i64.xor
        i64.xor
        (i64.load offset=22528 (i32.and (i32.shl (local.get $b) (i32.const 3)) (i32.const 2040)))
        (i64.load offset=20480 (i32.and (i32.shr_u (local.get $b) (i32.const 5)) (i32.const 2040)))
        i64.xor
        (i64.load offset=18432 (i32.and (i32.shr_u (local.get $b) (i32.const 13)) (i32.const 2040)))
        (i64.load offset=16384 (i32.shl (i32.shr_u (local.get $b) (i32.const 24)) (i32.const 3)))
        i64.xor
        i64.xor
        i64.xor
        (i64.load offset=14336 (i32.and (i32.shl (local.get $c) (i32.const 3)) (i32.const 2040)))
        (i64.load offset=12288 (i32.and (i32.shr_u (local.get $c) (i32.const 5)) (i32.const 2040)))
        i64.xor
        (i64.load offset=10240 (i32.and (i32.shr_u (local.get $c) (i32.const 13)) (i32.const 2040)))
        (i64.load offset=8192 (i32.shl (i32.shr_u (local.get $c) (i32.const 24)) (i32.const 3)))
        i64.xor
        i64.xor
        (i64.load offset=6144 (i32.and (i32.shl (local.get $d) (i32.const 3)) (i32.const 2040)))
        (i64.load offset=4096 (i32.and (i32.shr_u (local.get $d) (i32.const 5)) (i32.const 2040)))
        i64.xor
        (i64.load offset=2048 (i32.and (i32.shr_u (local.get $d) (i32.const 13)) (i32.const 2040)))
        (i64.load offset=0 (i32.shl (i32.shr_u (local.get $d) (i32.const 24)) (i32.const 3)))
        i64.xor
        i64.xor
        i64.xor
        i64.xor
        local.set $crc
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $each_pair)))

    ;; At most one block of eight bytes is left: the same step with tables 7 to 0.
    (block $blocks_done
      (loop $each_block
        (br_if $blocks_done (i32.ge_u (local.get $ptr) (local.get $end8)))
        (local.set $crc (i64.xor (local.get $crc) (i64.load (local.get $ptr))))
        (i64.load offset=14336 (i32.shl (i32.wrap_i64 (i64.and (local.get $crc) (i64.const 0xff))) (i32.const 3)))
        (i64.load offset=12288 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 8)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=10240 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 16)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=8192 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 24)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=6144 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 32)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=4096 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 40)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=2048 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $crc) (i64.const 48)) (i64.const 0xff))) (i32.const 3)))
        i64.xor
        (i64.load offset=0 (i32.shl (i32.wrap_i64 (i64.shr_u (local.get $crc) (i64.const 56))) (i32.const 3)))
        i64.xor
        local.set $crc
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 8)))
        (br $each_block)))

    ;; The last len % 8 bytes, one at a time through table 0.
    (block $bytes_done
      (loop $each_byte
        (br_if $bytes_done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $crc
          (i64.xor
            (i64.shr_u (local.get $crc) (i64.const 8))
            (call $entry (i32.const 0) (i64.xor (local.get $crc) (i64.load8_u (local.get $ptr))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $each_byte)))

    (local.get $crc)))
