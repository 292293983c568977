/* SPDX-License-Identifier: Apache-2.0 */
/* intelrdt.so's checks without the hardware: the schemata lines against what info/ says,
 * info/ and the root schemata read from a directory laid out as resctrl lays it out, and the
 * resctrl mount found in a mount table. No machine here has Intel RDT or AMD QoS, so this
 * (and tests/integration/intelrdt.bats) is the one place berth imitates a kernel interface. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../intelrdt.h"

struct berth_error {
  int code;
  char msg[1024];
};

static int32_t fake_error(struct berth_error *e, int32_t errnum, const char *fmt, ...) {
  if (e != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->code = errnum;
  }
  return -(errnum > 0 ? errnum : 5);
}
static void fake_log(int32_t level, const char *fmt, ...) {}
static char mountinfo_file[128];
static const char *fake_mountinfo(void) {
  return mountinfo_file;
}
static const struct berth_host_api fake_host = {.struct_size = sizeof(struct berth_host_api),
                                                .abi_major = BERTH_ABI_MAJOR,
                                                .abi_minor = BERTH_ABI_MINOR,
                                                .error = fake_error,
                                                .log = fake_log,
                                                .mountinfo = fake_mountinfo};

static char root[64];

static void put(const char *rel, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  for (char *p = path + strlen(root) + 1; *p != '\0'; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  FILE *f = fopen(path, "we");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A Skylake-like host: L3 with 11 bits and 16 CLOSIDs on two domains, MB in steps of 10 from
 * 10%, with 8 CLOSIDs; L3 monitoring. */
static int setup(void **state) {
  snprintf(root, sizeof(root), "/tmp/berth-rdt-unit-XXXXXX");
  if (mkdtemp(root) == NULL)
    return -1;
  put("info/L3/cbm_mask", "7ff\n");
  put("info/L3/min_cbm_bits", "1\n");
  put("info/L3/num_closids", "16\n");
  put("info/MB/bandwidth_gran", "10\n");
  put("info/MB/min_bandwidth", "10\n");
  put("info/MB/num_closids", "8\n");
  put("info/MB/delay_linear", "1\n");
  put("info/L3_MON/mon_features", "llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n");
  put("schemata", "    L3:0=7ff;1=7ff\n    MB:0=100;1=100\n");
  rdt_host = &fake_host;
  return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  return remove(path);
}
static int teardown(void **state) {
  nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (mountinfo_file[0] != '\0')
    unlink(mountinfo_file);
  return 0;
}

static void read_info(struct rdt_info *info, bool mba_mbps) {
  int fd = open(root, O_RDONLY | O_DIRECTORY);
  struct berth_error e = {0};
  assert_int_equal(rdt_read_info(fd, mba_mbps, info, &e), 0);
  close(fd);
}

/* The line is refused, and the reason names what is wrong. */
static void refused(const char *line, bool mba_mbps, const char *fragment) {
  struct rdt_info info;
  read_info(&info, mba_mbps);
  char why[512] = "";
  if (rdt_check_line(&info, line, why, sizeof(why)) == 0)
    fail_msg("\"%s\" was accepted", line);
  if (strstr(why, fragment) == NULL)
    fail_msg("\"%s\": \"%s\" does not say \"%s\"", line, why, fragment);
}

static void accepted(const char *line, bool mba_mbps) {
  struct rdt_info info;
  read_info(&info, mba_mbps);
  char why[512] = "";
  if (rdt_check_line(&info, line, why, sizeof(why)) != 0)
    fail_msg("\"%s\" was refused: %s", line, why);
}

static void test_info_read_from_resctrl_tree(void **state) {
  struct rdt_info info;
  read_info(&info, false);
  assert_int_equal(info.n, 2);
  assert_true(info.monitoring);
  assert_int_equal(rdt_num_closids(&info), 8);
  for (size_t i = 0; i < info.n; i++) {
    const struct rdt_resource *r = &info.res[i];
    assert_int_equal(r->n_domains, 2);
    assert_int_equal(r->domains[1], 1);
    if (strcmp(r->name, "L3") == 0) {
      assert_true(r->cache);
      assert_int_equal(r->cbm_mask, 0x7ff);
      assert_int_equal(r->num_closids, 16);
    } else {
      assert_string_equal(r->name, "MB");
      assert_false(r->cache);
      assert_int_equal(r->bandwidth_gran, 10);
      assert_int_equal(r->min_bandwidth, 10);
    }
  }
}

static void test_valid_lines_are_accepted(void **state) {
  accepted("L3:0=7f0;1=1f", false);
  accepted("  L3:0=ff ", false);
  accepted("MB:0=20;1=100", false);
  accepted("MB:0=10", false);
}

static void test_resource_the_host_lacks_is_refused(void **state) {
  refused("L2:0=ff", false, "no resource L2 (no info/L2)");
  refused("L3CODE:0=ff", false, "no resource L3CODE");
}

static void test_cache_mask_outside_cbm_mask_is_refused(void **state) {
  refused("L3:0=fff", false, "sets bits outside cbm_mask 7ff");
}

static void test_noncontiguous_cache_mask_is_refused(void **state) {
  refused("L3:0=7f0;1=70f", false, "domain 1: mask 70f is not contiguous");
}

static void test_sparse_masks_host_takes_noncontiguous_mask(void **state) {
  put("info/L3/sparse_masks", "1\n");
  accepted("L3:0=70f", false);
}

static void test_cache_mask_below_min_cbm_bits_is_refused(void **state) {
  put("info/L3/min_cbm_bits", "2\n");
  refused("L3:0=4", false, "sets 1 bits, min_cbm_bits is 2");
  refused("L3:0=0", false, "min_cbm_bits");
}

static void test_bad_values_and_domains_are_refused(void **state) {
  refused("L3:0=xyz", false, "not a hexadecimal bit mask");
  refused("L3:7=ff", false, "domain 7: this host's L3 has no such domain");
  refused("L3", false, "not RESOURCE:DOMAIN=VALUE");
  refused("L3:", false, "no DOMAIN=VALUE");
  refused("L3:0", false, "is not DOMAIN=VALUE");
}

static void test_bandwidth_out_of_range_is_refused(void **state) {
  refused("MB:0=5", false, "5% is outside min_bandwidth 10..100");
  refused("MB:0=110", false, "110% is outside min_bandwidth 10..100");
  refused("MB:0=55", false, "55% is not a multiple of bandwidth_gran 10");
  refused("MB:0=-1", false, "not a number");
}

/* With the mba_MBps mount option MB takes MB/s, where percentages do not apply. */
static void test_bandwidth_in_mbps_with_mba_mbps(void **state) {
  accepted("MB:0=2048;1=5", true);
  refused("MB:0=0", true, "0 MBps");
}

static void write_mountinfo(const char *text) {
  snprintf(mountinfo_file, sizeof(mountinfo_file), "%s.mountinfo", root);
  FILE *f = fopen(mountinfo_file, "we");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_resctrl_found_in_mountinfo_with_mba_mbps(void **state) {
  write_mountinfo("22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
                  "40 22 0:40 / /my\\040resctrl rw,relatime shared:9 - resctrl resctrl "
                  "rw,mba_MBps\n");
  char found[PATH_MAX];
  bool mbps = false;
  struct berth_error e = {0};
  assert_int_equal(rdt_find_mount(found, &mbps, &e), 0);
  assert_string_equal(found, "/my resctrl");
  assert_true(mbps);
}

static void test_no_resctrl_mount_is_an_error_naming_resctrl(void **state) {
  write_mountinfo("22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n");
  char found[PATH_MAX];
  bool mbps = false;
  struct berth_error e = {0};
  assert_true(rdt_find_mount(found, &mbps, &e) < 0);
  assert_non_null(strstr(e.msg, "resctrl is not mounted"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_info_read_from_resctrl_tree),
      T(test_valid_lines_are_accepted),
      T(test_resource_the_host_lacks_is_refused),
      T(test_cache_mask_outside_cbm_mask_is_refused),
      T(test_noncontiguous_cache_mask_is_refused),
      T(test_sparse_masks_host_takes_noncontiguous_mask),
      T(test_cache_mask_below_min_cbm_bits_is_refused),
      T(test_bad_values_and_domains_are_refused),
      T(test_bandwidth_out_of_range_is_refused),
      T(test_bandwidth_in_mbps_with_mba_mbps),
      T(test_resctrl_found_in_mountinfo_with_mba_mbps),
      T(test_no_resctrl_mount_is_an_error_naming_resctrl),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
