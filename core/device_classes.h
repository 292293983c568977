/* SPDX-License-Identifier: Apache-2.0 */
/* Devices by class: the annotation "berth.devices" names classes of host devices
 * ("VENDOR/CLASS,..."), a device plugin (device-VENDOR.so, BERTH_PLUGIN_KIND_DEVICE) says
 * which host devices each class is, and the core puts them into the spec as nodes
 * (linux.devices) and allow rules (linux.resources.devices), so that the init creates them and
 * the cgroup driver in use enforces them like any other device of the spec. */
#ifndef BERTH_DEVICE_CLASSES_H
#define BERTH_DEVICE_CLASSES_H

#include <json-c/json.h>

#include "error.h"

#define BERTH_DEVICES_ANNOTATION "berth.devices"
/* The device plugin of VENDOR is device-VENDOR.so. */
#define BERTH_DEVICE_PLUGIN_PREFIX "device-"

/* In the runtime, at create, before anything of the container is made: resolve every class of
 * the annotation through its plugin, check each host path (a character or block device below
 * /dev/) and merge the devices into spec. *record is NULL without the annotation, else what
 * state.json keeps: [{"class", "plugin", "plugin_version", "devices": [host paths]}]. An error
 * names the class, the plugin and the reason, and leaves spec as it was. */
int berth_device_classes_apply(json_object *spec, json_object **record, struct berth_error *err);

#endif
