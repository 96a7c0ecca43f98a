// The Python side of a pool Block (block_io.cpp). GIL held for all of them.
#pragma once

#include "bindings.h"
#include "memory_pool.h"

namespace acl_async {

// A zero-copy numpy view of input (output = false) or output i (keeps its memory alive).
py::array block_view(Block& block, bool output, size_t i);
// Validates and copies inputs (an array, a sequence or a dict by name or index) into the block.
void block_set_inputs(Block& block, py::handle inputs);
// New arrays holding the block's outputs.
py::list block_copy_outputs(Block& block);

}  // namespace acl_async
