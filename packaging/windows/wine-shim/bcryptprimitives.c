/*
 * A stand-in for Windows' bcryptprimitives.dll, for Wine 8 in CI only (scripts/windows-test.sh).
 *
 * Rust's standard library gets its random numbers (HashMap keys) from ProcessPrng in
 * bcryptprimitives.dll, which every Windows since 10 ships and Wine 8 lacks: without this the
 * program stops at its first import. ProcessPrng fills a buffer from the system's RNG and always
 * succeeds; here it is RtlGenRandom (SystemFunction036 in advapi32), which Wine has.
 *
 * The test script builds it with x86_64-w64-mingw32-gcc and copies it beside the .exe files in the
 * throwaway Wine prefix only. It is never in the installer or the zip: real Windows has its own.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
