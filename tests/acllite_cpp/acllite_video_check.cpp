// aclliteCPP's image and video classes on acl-async's SDK (tests/test_acllite_video.py):
//   acllite_video_check CLIP OUT_DIR [JPEG]
// reads every frame of CLIP with AclLiteVideoProc (FFmpeg demux + VDEC), writes each frame's luma
// rows (width x height, strides dropped) to OUT_DIR/frames.y and their sizes to OUT_DIR/frames.txt;
// with JPEG: JpegD then Resize to 224x224 through AclLiteImageProc, lumas to OUT_DIR/jpeg.y and
// OUT_DIR/resized.y. Exit 0 when every step worked.
// Not used: AclLiteVideoProc's VideoWriter, whose Close and destructor call Finish() through
// VencHelper::vencProc_, a pointer aclliteCPP never sets (a crash on any runtime).
#include <cstdio>
#include <string>

#include "acllite/AclLiteImageProc.h"
#include "acllite/AclLiteResource.h"
#include "acllite/AclLiteUtils.h"
#include "acllite/AclLiteVideoProc.h"

namespace {

bool write_luma(FILE* f, ImageData& frame, aclrtRunMode mode) {
  ImageData local;
  if (CopyImageToLocal(local, frame, mode) != ACLLITE_OK) return false;
  const uint8_t* y = local.data.get();
  for (uint32_t r = 0; r < frame.height; ++r)
    if (fwrite(y + r * frame.alignWidth, 1, frame.width, f) != frame.width) return false;
  return true;
}

int check_jpeg(const std::string& jpeg, const std::string& out, aclrtRunMode mode) {
  AclLiteImageProc proc;
  if (proc.Init() != ACLLITE_OK) return 10;
  ImageData host, dev, yuv, resized;
  if (ReadJpeg(host, jpeg) != ACLLITE_OK) return 11;
  if (CopyImageToDevice(dev, host, mode, MEMORY_DVPP) != ACLLITE_OK) return 12;
  if (proc.JpegD(yuv, dev) != ACLLITE_OK) return 13;
  if (proc.Resize(resized, yuv, 224, 224) != ACLLITE_OK) return 14;
  FILE* fj = fopen((out + "/jpeg.y").c_str(), "wb");
  FILE* fr = fopen((out + "/resized.y").c_str(), "wb");
  const bool ok = fj && fr && write_luma(fj, yuv, mode) && write_luma(fr, resized, mode);
  if (fj) fclose(fj);
  if (fr) fclose(fr);
  printf("jpeg %ux%u (aligned %ux%u) resized %ux%u\n", yuv.width, yuv.height, yuv.alignWidth, yuv.alignHeight,
         resized.width, resized.height);
  return ok ? 0 : 15;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s CLIP OUT_DIR [JPEG]\n", argv[0]);
    return 2;
  }
  const std::string out = argv[2];
  AclLiteResource resource;
  if (resource.Init() != ACLLITE_OK) return 3;
  const aclrtRunMode mode = resource.GetRunMode();
  int rc = 0;
  {
    AclLiteVideoProc cap(argv[1]);
    if (!cap.IsOpened()) return 4;
    printf("capture %ux%u\n", cap.Get(FRAME_WIDTH), cap.Get(FRAME_HEIGHT));
    FILE* fy = fopen((out + "/frames.y").c_str(), "wb");
    FILE* ft = fopen((out + "/frames.txt").c_str(), "w");
    if (!fy || !ft) return 6;
    int frames = 0;
    for (;;) {
      ImageData frame;
      AclLiteError ret = cap.Read(frame);
      // The end: DECODE_FINISH, or READ_EMPTY once every frame was read (acllite marks the end only
      // when a VDEC callback follows FFmpeg's end; acl-async's VDEC has delivered every frame by then).
      if (ret == ACLLITE_ERROR_DECODE_FINISH || (ret == ACLLITE_ERROR_READ_EMPTY && frames > 0)) {
        printf("end %d\n", static_cast<int>(ret));
        break;
      }
      if (ret != ACLLITE_OK) {
        rc = 7;
        break;
      }
      fprintf(ft, "%u %u %u %u %u\n", frame.width, frame.height, frame.alignWidth, frame.alignHeight, frame.size);
      if (!write_luma(fy, frame, mode)) {
        rc = 8;
        break;
      }
      ++frames;
    }
    fclose(fy);
    fclose(ft);
    printf("frames %d\n", frames);
  }
  if (rc == 0 && argc > 3) rc = check_jpeg(argv[3], out, mode);
  return rc;
}
