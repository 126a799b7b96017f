/*
 * The least a `dotnet` executable does, built for arm64 so the test host can run under qemu on an x64 machine
 * (.ci/arm64-emulated.sh). Microsoft ships no arm64 `dotnet` in a NuGet package, only the runtime and hostfxr, so
 * this stands in for it: find host/fxr/<version>/libhostfxr.so beside this file and hand it the command line.
 * hostfxr then does the real work (`exec --runtimeconfig ... testhost.dll`), exactly as under the shipped muxer.
 * An empty app path tells hostfxr it runs as the muxer, not as an app host.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef int (*hostfxr_main_startupinfo_fn)(int argc, const char *argv[], const char *host_path, const char *dotnet_root,
                                           const char *app_path);

int main(int argc, const char *argv[])
{
    char host_path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", host_path, sizeof host_path - 1);
    if (length <= 0) { perror("dotnet-muxer: readlink /proc/self/exe"); return 130; }
    host_path[length] = '\0';

    char root[PATH_MAX];
    strcpy(root, host_path);
    strcpy(root, dirname(root));

    /* One runtime is laid out here; take the highest version folder all the same. */
    char fxr_folder[PATH_MAX];
    snprintf(fxr_folder, sizeof fxr_folder, "%s/host/fxr", root);
    DIR *folder = opendir(fxr_folder);
    if (folder == NULL) { perror(fxr_folder); return 131; }
    char version[NAME_MAX + 1] = "";
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;)
    {
        if (entry->d_name[0] != '.' && strcmp(entry->d_name, version) > 0) { strcpy(version, entry->d_name); }
    }
    closedir(folder);

    char fxr_path[PATH_MAX];
    if ((size_t)snprintf(fxr_path, sizeof fxr_path, "%s/%s/libhostfxr.so", fxr_folder, version) >= sizeof fxr_path)
    {
        fprintf(stderr, "dotnet-muxer: path too long under %s\n", fxr_folder);
        return 131;
    }
    void *fxr = dlopen(fxr_path, RTLD_NOW | RTLD_LOCAL);
    if (fxr == NULL) { fprintf(stderr, "dotnet-muxer: %s\n", dlerror()); return 132; }
    hostfxr_main_startupinfo_fn run = (hostfxr_main_startupinfo_fn)dlsym(fxr, "hostfxr_main_startupinfo");
    if (run == NULL) { fprintf(stderr, "dotnet-muxer: %s\n", dlerror()); return 133; }
    return run(argc, argv, host_path, root, "");
}
