"""Numba's compiled form of :func:`opora.access._buckets.prefetch`: LLVM's ``prefetch``.

Imported by :func:`opora.access._buckets._compiled` before a kernel is compiled (this
module needs numba; :mod:`opora.access._buckets` does not). In a compiled kernel,
``prefetch(array, index)`` asks the processor to start loading ``array[index]`` into its
caches and goes on: a hint that changes no result. An address past the end is harmless
(a prefetch never faults).
"""

from __future__ import annotations

from typing import Any

from llvmlite import binding, ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from opora.access._buckets import prefetch

__all__: list[str] = []

#: LLVM's name of the intrinsic: opaque pointers from LLVM 15 on.
_NAME = "llvm.prefetch.p0" if binding.llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"


@intrinsic
def _hint(typingctx: Any, array: Any, index: Any) -> Any:
    """Emit ``llvm.prefetch(&array[index], read, keep in all cache levels, data)``."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        kind = signature.args[0]
        data = context.make_array(kind)(context, builder, args[0])
        at = context.cast(builder, args[1], signature.args[1], types.intp)
        pointer = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
            context, builder, kind, data, [at]
        )
        byte = ir.PointerType(ir.IntType(8))
        int32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, ir.FunctionType(ir.VoidType(), [byte, int32, int32, int32]), _NAME
        )
        flags = [ir.Constant(int32, 0), ir.Constant(int32, 3), ir.Constant(int32, 1)]
        builder.call(function, [builder.bitcast(pointer, byte), *flags])
        return context.get_dummy_value()

    return types.void(array, index), codegen


@overload(prefetch)
def _prefetch(array: Any, index: Any) -> Any:
    """Compile :func:`~opora.access._buckets.prefetch` as :func:`_hint`."""
    if not (isinstance(array, types.Array) and isinstance(index, types.Integer)):
        return None

    def compiled(array: Any, index: Any) -> Any:  # the same signature as the typing's
        _hint(array, index)  # type: ignore[call-arg]  # typed by numba, not mypy

    return compiled
