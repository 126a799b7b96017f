"""Thread count for the BLAS under Debian's PyTorch, shared by the baseline scripts in this folder."""
import ctypes


def set_blas_threads(threads):
    """Debian's torch runs its matrix products on the system OpenBLAS, whose own thread count torch.set_num_threads
    does not change: without this, the "1 thread" run multiplies on every core."""
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
        return True
    except (OSError, AttributeError):
        return False
