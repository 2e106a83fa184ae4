/**
 * When parts of the standard library appeared (go.dev/doc/go1.N release notes, pkg.go.dev's
 * "added in go1.N"). A Go older than that reports them as missing packages or `undefined:`
 * names, never as "requires go >= …" (that wording is Go 1.21+): issue 19's old-toolchain case.
 */

/** Standard-library packages → the first Go that has them. */
export const STD_PACKAGE_SINCE: Record<string, string> = {
  'hash/maphash': '1.14',
  'time/tzdata': '1.15',
  embed: '1.16',
  'io/fs': '1.16',
  'runtime/metrics': '1.16',
  'testing/fstest': '1.16',
  'net/netip': '1.18',
  'crypto/ecdh': '1.20',
  slices: '1.21',
  maps: '1.21',
  cmp: '1.21',
  'log/slog': '1.21',
  'testing/slogtest': '1.21',
  'math/rand/v2': '1.22',
  'go/version': '1.22',
  iter: '1.23',
  unique: '1.23',
  structs: '1.23',
  weak: '1.24',
  'crypto/mlkem': '1.24',
  'crypto/hkdf': '1.24',
  'crypto/pbkdf2': '1.24',
  'crypto/sha3': '1.24',
  'testing/synctest': '1.25',
};

/**
 * Package-qualified names (as the compiler prints them after `undefined:`) → the first Go that has
 * them. Left out on purpose: names a popular third-party package of the same name also lacks in
 * old versions (`errors.Is` with github.com/pkg/errors v0.8), where a newer Go would not help.
 */
export const STD_NAME_SINCE: Record<string, string> = {
  'strings.Builder': '1.10',
  'strings.ReplaceAll': '1.12',
  'bytes.ReplaceAll': '1.12',
  'os.UserHomeDir': '1.12',
  'tls.VersionTLS13': '1.12',
  'http.NewRequestWithContext': '1.13',
  'os.UserConfigDir': '1.13',
  'strings.ToValidUTF8': '1.13',
  'os.ErrDeadlineExceeded': '1.15',
  'os.ReadFile': '1.16',
  'os.WriteFile': '1.16',
  'os.ReadDir': '1.16',
  'os.DirEntry': '1.16',
  'os.MkdirTemp': '1.16',
  'os.CreateTemp': '1.16',
  'io.ReadAll': '1.16',
  'io.Discard': '1.16',
  'io.NopCloser': '1.16',
  'filepath.WalkDir': '1.16',
  'math.MaxInt': '1.17',
  'unsafe.Add': '1.17',
  'unsafe.Slice': '1.17',
  'time.UnixMilli': '1.17',
  'strings.Cut': '1.18',
  'strings.Clone': '1.18',
  'bytes.Cut': '1.18',
  'reflect.Pointer': '1.18',
  'atomic.Bool': '1.19',
  'atomic.Int32': '1.19',
  'atomic.Int64': '1.19',
  'atomic.Uint32': '1.19',
  'atomic.Uint64': '1.19',
  'atomic.Uintptr': '1.19',
  'atomic.Pointer': '1.19',
  'fmt.Append': '1.19',
  'fmt.Appendf': '1.19',
  'http.MaxBytesError': '1.19',
  'debug.SetMemoryLimit': '1.19',
  'strings.CutPrefix': '1.20',
  'strings.CutSuffix': '1.20',
  'bytes.CutPrefix': '1.20',
  'bytes.CutSuffix': '1.20',
  'bytes.Clone': '1.20',
  'errors.Join': '1.20',
  'context.WithCancelCause': '1.20',
  'context.Cause': '1.20',
  'time.DateTime': '1.20',
  'time.DateOnly': '1.20',
  'time.TimeOnly': '1.20',
  'unsafe.String': '1.20',
  'unsafe.StringData': '1.20',
  'unsafe.SliceData': '1.20',
  'context.WithoutCancel': '1.21',
  'context.AfterFunc': '1.21',
  'sync.OnceFunc': '1.21',
  'sync.OnceValue': '1.21',
  'sync.OnceValues': '1.21',
  'errors.ErrUnsupported': '1.21',
  'reflect.TypeFor': '1.22',
  'os.CopyFS': '1.23',
  'strings.Lines': '1.24',
  'strings.SplitSeq': '1.24',
  'os.OpenRoot': '1.24',
};

/** Predeclared identifiers → the first Go that has them. */
export const BUILTIN_SINCE: Record<string, string> = { any: '1.18', comparable: '1.18', min: '1.21', max: '1.21', clear: '1.21' };

/** Methods the compiler reports as `x.M undefined (type *testing.T has no field or method M)`. */
export const TESTING_METHOD_SINCE: Record<string, string> = { Cleanup: '1.14', TempDir: '1.15', Setenv: '1.17', Context: '1.24', Chdir: '1.24' };

const alternation = (names: string[]) => names.map((n) => n.replace(/[.\\/]/g, (c) => `\\${c}`)).join('|');
export const STD_PACKAGES = alternation(Object.keys(STD_PACKAGE_SINCE));
export const STD_NAMES = alternation(Object.keys(STD_NAME_SINCE));
export const BUILTINS = alternation(Object.keys(BUILTIN_SINCE));
export const TESTING_METHODS = alternation(Object.keys(TESTING_METHOD_SINCE));
