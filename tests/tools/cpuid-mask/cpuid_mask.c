// cpuid_mask.so: makes a process see a CPU with fewer instruction-set extensions, so that
// ONNX Runtime's MLAS (which picks its kernels from CPUID once, at start) takes the kernel
// path of an older x86-64 CPU on this one. Used by tests/cpu_paths.rs.
//
//   NEWSGRAPH_CPU=avx512|avx2|avx|sse4 LD_PRELOAD=cpuid_mask.so PROGRAM ...
//
// How: Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, 0) makes every CPUID
// instruction raise SIGSEGV; the handler runs the real CPUID with faulting briefly off,
// clears the feature bits above the chosen level, writes the registers back and steps
// over the instruction. It prints one line on stderr saying what it hides, or why it
// cannot (no CPUID faulting on this CPU or kernel), and then the process runs unmasked.
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

// 1 = avx512 (AVX-512 without VNNI and AMX: Skylake-SP), 2 = avx2 (no AVX-512, no VNNI:
// Haswell to Zen 3), 3 = avx (no AVX2, no FMA: Sandy Bridge), 4 = sse4 (no AVX: Nehalem).
static int level;

static void real_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static void mask(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    if (leaf == 1) {
        if (level >= 3) r[2] &= ~(1u << 12);  // FMA
        if (level >= 3) r[2] &= ~(1u << 29);  // F16C
        if (level >= 4) r[2] &= ~((1u << 28) | (1u << 27));  // AVX, OSXSAVE
    } else if (leaf == 7 && sub == 0) {
        // EBX: AVX-512 F, DQ, IFMA, CD, BW, VL from level 2; AVX2 from level 3
        if (level >= 2)
            r[1] &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 28) | (1u << 30) | (1u << 31));
        if (level >= 3) r[1] &= ~(1u << 5);
        // ECX: AVX-512 VNNI always; VBMI, VBMI2, BITALG, VPOPCNTDQ from level 2
        r[2] &= ~(1u << 11);
        if (level >= 2) r[2] &= ~((1u << 1) | (1u << 6) | (1u << 12) | (1u << 14));
        // EDX: AMX-BF16, AMX-TILE, AMX-INT8 always; 4VNNIW/4FMAPS, VP2INTERSECT, FP16 from 2
        r[3] &= ~((1u << 22) | (1u << 24) | (1u << 25));
        if (level >= 2) r[3] &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23));
    } else if (leaf == 7 && sub == 1) {
        // EAX: AVX-VNNI, AVX-IFMA always, AVX-512 BF16 from level 2; EDX: AVX-VNNI-INT8,
        // AVX-NE-CONVERT, AMX-COMPLEX
        r[0] &= ~((1u << 4) | (1u << 23));
        if (level >= 2) r[0] &= ~(1u << 5);
        r[3] &= ~((1u << 4) | (1u << 5) | (1u << 8) | (1u << 10));
    } else if (leaf == 0xd && sub == 0 && level >= 4) {
        r[0] &= 3u;  // XCR0 as seen through CPUID: x87 and SSE state only
    }
}

static void on_segv(int sig, siginfo_t *info, void *ctx_) {
    ucontext_t *ctx = ctx_;
    greg_t *g = ctx->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)g[REG_RIP];
    if (ip[0] != 0x0f || ip[1] != 0xa2) {
        // A real fault: restore the default action and let it happen again.
        signal(sig, SIG_DFL);
        (void)info;
        return;
    }
    uint32_t leaf = (uint32_t)g[REG_RAX], sub = (uint32_t)g[REG_RCX], r[4];
    syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
    real_cpuid(leaf, sub, r);
    syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
    mask(leaf, sub, r);
    g[REG_RAX] = r[0];
    g[REG_RBX] = r[1];
    g[REG_RCX] = r[2];
    g[REG_RDX] = r[3];
    g[REG_RIP] += 2;
}

__attribute__((constructor)) static void start(void) {
    const char *want = getenv("NEWSGRAPH_CPU");
    if (!want || !*want) return;
    level = !strcmp(want, "avx512") ? 1
            : !strcmp(want, "avx2") ? 2
            : !strcmp(want, "avx")  ? 3
            : !strcmp(want, "sse4") ? 4
                                    : 0;
    if (!level) {
        fprintf(stderr, "cpuid_mask: NEWSGRAPH_CPU=%s is not avx512, avx2, avx or sse4\n", want);
        exit(2);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) {
        fprintf(stderr, "cpuid_mask: unavailable: CPUID faulting is not supported here\n");
        return;
    }
    fprintf(stderr, "cpuid_mask: hiding the extensions above %s\n", want);
}
