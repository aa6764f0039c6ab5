# actbench figure "Claim 10: He initialisation lets a deep ReLU network train where Xavier stalls": 2 panels
#   panel 1: "test accuracy after training, 30 ReLU layers"
#   panel 2: "gradient norm by layer at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/10-he-init-deep-relu.gp
# (writes plots/10-he-init-deep-relu.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/10-he-init-deep-relu.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu, init=xavier"
$d1 << EOD
0.01 0.313333333 0.313333333 0.313333333
0.03 0.313333333 0.313333333 0.313333333
0.1 0.313333333 0.313333333 0.313333333
EOD
# panel 1, "relu, init=he"
$d2 << EOD
0.01 0.993333333 0.99 0.996666667
0.03 0.814444444 0.59 0.963333333
0.1 0.455555556 0.313333333 0.74
EOD
# panel 2, "relu, init=xavier"
$d3 << EOD
1 4.53667945e-06 2.95636334e-06 5.94763723e-06
2 5.70583799e-06 3.36259124e-06 7.2488423e-06
3 8.9618274e-06 6.40393243e-06 1.09075522e-05
4 1.13857217e-05 8.60266418e-06 1.30981942e-05
5 1.87441698e-05 1.40114997e-05 2.37414225e-05
6 2.73994152e-05 2.26667247e-05 3.35565909e-05
7 3.95887791e-05 2.74649936e-05 5.77741023e-05
8 5.50669737e-05 3.225692e-05 9.08874709e-05
9 7.19182861e-05 3.9722094e-05 0.000115591272
10 0.000102726629 6.69506156e-05 0.000149090011
11 0.00015175962 8.98278703e-05 0.000210078274
12 0.000194985102 0.000111603831 0.000275094509
13 0.00026570976 0.000163036046 0.000318405924
14 0.000395452644 0.000309498181 0.00044554285
15 0.000580978904 0.00044569782 0.000683926576
16 0.000741433199 0.000553701219 0.00091173305
17 0.000931587972 0.000724473359 0.0011817739
18 0.00126175754 0.00100012477 0.00154198824
19 0.00172751457 0.00137727926 0.00212151943
20 0.0026441286 0.00188035351 0.00340671685
21 0.00391458225 0.00279119498 0.0050288489
22 0.00507360088 0.00287895216 0.0076573247
23 0.00672968516 0.00430179694 0.0096549885
24 0.00914333135 0.00743454822 0.0121344502
25 0.0134124742 0.0108273045 0.0173411351
26 0.0180113628 0.0133725872 0.0258986681
27 0.0197506385 0.0145498492 0.0296054149
28 0.0273904424 0.0163886738 0.0422463167
29 0.0266637102 0.0071940364 0.0455939599
30 0.0218923593 0.00744280182 0.0347978849
EOD
# panel 2, "relu, init=he"
$d4 << EOD
1 0.257945313 0.108301072 0.428346252
2 0.280214981 0.0945430332 0.487483611
3 0.30970823 0.136130278 0.543916617
4 0.309699403 0.127125795 0.514986661
5 0.369712071 0.130568815 0.628520778
6 0.389842505 0.150433538 0.701003927
7 0.387631179 0.128831519 0.710235096
8 0.435639575 0.146748763 0.81190322
9 0.443789345 0.141659399 0.801292796
10 0.554355355 0.130043897 1.08069162
11 0.6030279 0.120265265 1.08465111
12 0.506168249 0.116643836 0.93972839
13 0.458985545 0.14630632 0.747704789
14 0.47349183 0.162037814 0.668405707
15 0.576641334 0.166406883 0.80197951
16 0.637066753 0.179858444 1.07096176
17 0.700849044 0.182209904 1.2762926
18 0.62635196 0.193609583 1.03347929
19 0.600116455 0.231073784 1.00322234
20 0.644190097 0.242284742 1.13120181
21 0.597393681 0.217940832 1.07711251
22 0.495308492 0.182652466 0.807452476
23 0.499430613 0.176723373 0.882307626
24 0.449440842 0.191173482 0.722484329
25 0.498945798 0.205477197 0.903901595
26 0.453738157 0.175056855 0.744596537
27 0.484356569 0.173973019 0.805502003
28 0.475467995 0.206451327 0.84690183
29 0.43893616 0.223236362 0.703987214
30 0.406337026 0.211494791 0.603938042
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/10-he-init-deep-relu.'.ext
set multiplot layout 1,2 title "Claim 10: He initialisation lets a deep ReLU network train where Xavier stalls" noenhanced font ",12"

# ---- panel 1: "test accuracy after training, 30 ReLU layers"
set title "test accuracy after training, 30 ReLU layers" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.01, 0.03, 0.1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, init=xavier" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, init=he" noenhanced

# ---- panel 2: "gradient norm by layer at initialisation"
set title "gradient norm by layer at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "||dL/db||" noenhanced
set grid
unset label
set bmargin 4.90
set xtics 5
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 pi 2 title "relu, init=xavier" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 pi 2 title "relu, init=he" noenhanced

unset multiplot
unset output
}
