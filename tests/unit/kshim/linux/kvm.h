/* SPDX-License-Identifier: GPL-2.0 */
/* Nothing of the KVM ABI is needed by the code the unit tests compile. */
#include "../kshim.h"
