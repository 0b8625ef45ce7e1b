// GumboArena: the memory of one Gumbo parse, handed to Gumbo as its allocator (internal to
// parser/; used by dom::ParsedHtml).
//
// Why: Gumbo makes a malloc/free pair for every token, attribute, text buffer and vector growth,
// and gumbo_destroy_output walks the whole tree to free it again; on news pages that was about a
// sixth of the extraction time. Here small blocks come from large chunks, freed blocks go to a
// free list per size class (so a parse's transient buffers are reused, and memory stays within a
// small factor of what the tree holds), and the whole tree is released at once with the arena,
// without a walk. Blocks over kMaxPooledBytes are malloc'd and tracked one by one.
//
// Not thread-safe: one arena per parse, used by the thread that parses. Not copyable or movable
// (Gumbo keeps its address as `userdata`).
#pragma once

#include <cstddef>
#include <memory>
#include <unordered_set>
#include <vector>

namespace newscrawl::dom {

class GumboArena {
 public:
  GumboArena() = default;
  ~GumboArena();
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;

  // GumboOptions::allocator / deallocator with `userdata` = the arena. Like malloc, Allocate
  // returns nullptr when memory runs out (no exception crosses Gumbo's C code); Deallocate takes
  // a block of this arena or nullptr (which does nothing).
  static void* Allocate(void* arena, size_t size) noexcept;
  static void Deallocate(void* arena, void* block) noexcept;

  // Bytes taken from the system so far (chunks and large blocks); for tests and benchmarks.
  size_t reserved_bytes() const { return reserved_bytes_; }

 private:
  static constexpr size_t kHeaderBytes = 16;  // keeps blocks 16-byte aligned
  static constexpr int kClasses = 12;         // 16 B .. 32 KiB payloads
  static constexpr size_t kMaxPooledBytes = size_t{16} << (kClasses - 1);
  static constexpr size_t kChunkBytes = 256 * 1024;

  void* AllocateBlock(size_t size);
  void FreeBlock(void* block);

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* chunk_next_ = nullptr;  // free space in the newest chunk
  size_t chunk_left_ = 0;
  void* free_lists_[kClasses] = {};         // intrusive: a free block's payload holds the next one
  std::unordered_set<void*> large_blocks_;  // headers of malloc'd blocks still in use
  size_t reserved_bytes_ = 0;
};

}  // namespace newscrawl::dom
