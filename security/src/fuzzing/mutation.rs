//! Byte-level mutations of a validly signed message part, shared by the targets.

use arbitrary::Unstructured;

/// Mutates `bytes` once. Layout: an operation byte (`% 6`), a position byte and a value byte:
/// 0 flip bits of one byte (xor with `value | 1`), 1 insert `value`, 2 delete one byte,
/// 3 truncate, 4 append `value`, 5 set one byte to `value`.
pub(super) fn mutate_bytes(u: &mut Unstructured<'_>, bytes: &mut Vec<u8>) -> arbitrary::Result<()> {
    let operation = u.arbitrary::<u8>()? % 6;
    let position = usize::from(u.arbitrary::<u8>()?);
    let value: u8 = u.arbitrary()?;
    let len = bytes.len();
    match operation {
        0 if len > 0 => bytes[position % len] ^= value | 1,
        1 => bytes.insert(position % (len + 1), value),
        2 if len > 0 => {
            bytes.remove(position % len);
        }
        3 => bytes.truncate(position % (len + 1)),
        4 => bytes.push(value),
        5 if len > 0 => bytes[position % len] = value,
        _ => {}
    }
    Ok(())
}

/// Up to `max` bytes: a length byte (`% (max + 1)`), then that many bytes (fewer if the input
/// ends).
pub(super) fn short_bytes(u: &mut Unstructured<'_>, max: u8) -> arbitrary::Result<Vec<u8>> {
    let len = u.arbitrary::<u8>()? % max.saturating_add(1);
    let len = usize::from(len).min(u.len());
    Ok(u.bytes(len)?.to_vec())
}
